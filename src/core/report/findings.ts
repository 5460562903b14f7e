/**
 * Findings as DESIGN.md's `scan --format json` shape and as text. Paths under the scanned
 * root are relative to it. Messages are already redacted; values never appear.
 */
import { formatBytes } from '../util/readText';
import type { Finding } from '../model';
import type { ScanResult } from '../scan/scan';
import { displayPath } from './discovery';

export interface FindingJson {
  ruleId: string;
  category: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fingerprint: string;
  tool?: string;
  secret?: { provider: string; redacted: string; location: string; key?: string; gitExposure?: string };
}

export function findingToJson(root: string, finding: Finding): FindingJson {
  return {
    ruleId: finding.ruleId,
    category: finding.category,
    severity: finding.severity,
    file: displayPath(root, finding.file),
    line: finding.range.start.line,
    column: finding.range.start.column,
    endLine: finding.range.end.line,
    endColumn: finding.range.end.column,
    message: finding.message,
    fingerprint: finding.fingerprint,
    ...(finding.tool ? { tool: finding.tool } : {}),
    ...(finding.secret ? { secret: { ...finding.secret } } : {}),
  };
}

export function scanToJson(result: ScanResult): {
  findings: FindingJson[];
  suppressed: number;
  problems: Array<{ file: string; severity: string; message: string }>;
  sweep?: ScanResult['sweep'];
} {
  return {
    findings: result.findings.map((f) => findingToJson(result.root, f)),
    suppressed: result.suppressed.length,
    problems: result.problems.map((p) => ({ file: displayPath(result.root, p.file), severity: p.severity, message: p.message })),
    ...(result.sweep ? { sweep: result.sweep } : {}),
  };
}

const ICON: Record<string, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

export function scanToText(result: ScanResult): string {
  const out: string[] = [];
  let currentFile = '';
  for (const finding of result.findings) {
    const file = displayPath(result.root, finding.file);
    if (file !== currentFile) {
      if (currentFile) out.push('');
      out.push(file);
      currentFile = file;
    }
    const where = `${finding.range.start.line}:${finding.range.start.column}`.padEnd(8);
    out.push(`  ${where} ${ICON[finding.severity] ?? ''} ${finding.severity.padEnd(7)} ${finding.message}  ${finding.ruleId}`);
  }
  const count = (s: string) => result.findings.filter((f) => f.severity === s).length;
  if (out.length > 0) out.push('');
  out.push(
    `${result.findings.length} finding(s): ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info` +
      (result.suppressed.length ? `; ${result.suppressed.length} suppressed` : ''),
  );
  if (result.sweep) out.push(`Also read ${result.sweep.files} other file(s), ${formatBytes(result.sweep.bytes)}, for secrets (--all-files)`);
  const notes = result.problems.filter((p) => p.severity === 'error');
  for (const note of notes) out.push(`  note: ${displayPath(result.root, note.file)}: ${note.message}`);
  return out.join('\n') + '\n';
}
