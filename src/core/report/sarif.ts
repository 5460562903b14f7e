/** SARIF 2.1.0 output — written by a helper; this placeholder keeps the build compiling. */
import type { ScanResult } from '../scan/scan';

export function scanToSarif(_results: readonly ScanResult[], _tool: { version: string }): unknown {
  throw new Error('SARIF output is not available yet');
}
