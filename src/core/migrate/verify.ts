/**
 * Checks a migrated text before anything is written: it parses without errors, has the same
 * servers, no longer holds the migrated values, and holds every reference where it belongs.
 * Returns the problems found (messages name servers and keys, never values).
 */
import { parseClientConfig, type ConfigCandidate } from '../discovery/configParse';
import { isLauncherCommand } from '../launcher/paths';
import type { ConfigServer } from '../model';
import type { MigrationPlan } from './types';

function occurrences(text: string, needle: string): number {
  if (needle.length === 0) return 0;
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

function stringsOf(server: ConfigServer): string[] {
  return [
    ...server.env.map((e) => e.value),
    ...server.headers.map((h) => h.value),
    ...server.args.map((a) => a.value),
    ...(server.url ? [server.url.value] : []),
  ];
}

export function verifyMigratedText(originalText: string, newText: string, candidate: ConfigCandidate, plan: MigrationPlan): string[] {
  const problems: string[] = [];
  const before = parseClientConfig(originalText, candidate);
  const after = parseClientConfig(newText, candidate);
  const errors = after.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) problems.push(`the rewritten file would not parse (${errors[0]!.message})`);
  const names = (servers: ConfigServer[]) => servers.map((s) => s.name).join('\u0000');
  if (names(before.servers) !== names(after.servers)) problems.push('the rewritten file would not list the same servers');

  // Each migrated value must be gone; the same text elsewhere (a value not migrated) may stay.
  const migrated = new Map<string, number>();
  for (const secret of plan.secrets) {
    for (const value of secret.detected) migrated.set(value, (migrated.get(value) ?? 0) + 1);
  }
  for (const [value, count] of migrated) {
    if (occurrences(newText, value) > Math.max(0, occurrences(originalText, value) - count)) {
      problems.push('a migrated value would still be in the rewritten file');
      break;
    }
  }
  for (const secret of plan.secrets) {
    for (const range of secret.findingRanges) {
      const raw = originalText.slice(range.start.offset, range.end.offset);
      if (raw !== secret.detected[0] && raw.length > 0 && occurrences(newText, raw) >= occurrences(originalText, raw)) {
        problems.push(`server ${secret.serverName} ${secret.location} ${secret.key}: its escaped literal would remain`);
      }
    }
  }

  const byPath = (path: ReadonlyArray<string | number>) => after.servers.find((s) => s.path.join('\u0000') === path.join('\u0000'));
  for (const secret of plan.secrets) {
    const server = byPath(secret.serverPath);
    if (!server || !stringsOf(server).some((v) => v.includes(secret.reference))) {
      problems.push(`server ${secret.serverName} ${secret.location} ${secret.key}: the reference would be missing`);
    }
  }
  for (const change of plan.changes) {
    const server = byPath(change.serverPath);
    if (!server || !isLauncherCommand(server.command?.value) || server.transport !== 'stdio') {
      problems.push(`server ${change.serverName}: it would not run under the launcher`);
    }
  }
  return problems;
}
