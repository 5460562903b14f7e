// The scanning half of the engine runner (bench/lib/secrets-runner.mjs): reads files into one
// reused buffer and runs scanBytesForSecrets on each. bench/secrets.mjs bundles it on its own
// (secrets-scan.cjs): the runner starts it as a worker thread before it loads the engine
// itself, so the worker's start-up overlaps the runner's, and requires it for its own share.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PATTERN_RULES, scanBytesForSecrets } from '../../src/core/secrets/index.ts';
// How `mcp-secure scan --all-files` reads a file of each name (dotenv, source, plain text).
import { sweepKindOf as kindOf } from '../../src/core/scan/sweep.ts';

export { PATTERN_RULES };

/** Files are claimed in chunks from one shared counter, so a thread that started late takes fewer. */
const CHUNK = 32;

/** Milliseconds since the epoch (comparable across threads, unlike performance.now()). */
export const now = () => performance.timeOrigin + performance.now();

/** Reads and scans the files of `files` it claims from `next` (a shared counter); returns the counts. */
export function scanFiles(files, next) {
  const started = now();
  let buffer = Buffer.allocUnsafe(1024 * 1024 + 1);
  let count = 0;
  let bytes = 0;
  let findings = 0;
  const byDetector = {};
  for (;;) {
    const from = Atomics.add(next, 0, CHUNK);
    if (from >= files.length) break;
    const to = Math.min(files.length, from + CHUNK);
    for (let f = from; f < to; f++) {
      const path = files[f];
      const fd = openSync(path, constants.O_RDONLY);
      let length = 0;
      try {
        for (;;) {
          const n = readSync(fd, buffer, length, buffer.length - length, null);
          length += n;
          // A regular file's read comes back short only at its end: most files take one read.
          if (n === 0 || length < buffer.length) break;
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, length);
          buffer = bigger;
        }
      } finally {
        closeSync(fd);
      }
      count++;
      bytes += length;
      for (const m of scanBytesForSecrets(buffer.subarray(0, length), kindOf(path))) {
        findings++;
        byDetector[m.detector] = (byDetector[m.detector] ?? 0) + 1;
      }
    }
  }
  return { files: count, bytes, findings, byDetector, started, ended: now() };
}

if (!isMainThread && workerData?.secretsScan) {
  // The file list comes by message once the runner has walked the folder.
  parentPort.once('message', (files) => parentPort.postMessage(scanFiles(files, new Int32Array(workerData.next))));
}
