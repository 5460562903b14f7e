/**
 * A stable identity for a secret that does not reveal it: for SARIF partialFingerprints,
 * baselines and de-duplication. Pass a salt (per workspace or per user) when the fingerprint
 * leaves the machine: an unsalted hash of a short password can be brute-forced.
 */
import { createHash } from 'node:crypto';

export function secretFingerprint(ruleId: string, value: string, salt = ''): string {
  return createHash('sha256').update(`mcp-secure/secret/v1\u0000${salt}\u0000${ruleId}\u0000${value}`).digest('hex').slice(0, 32);
}
