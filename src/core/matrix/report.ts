/** Reporters for a matrix run: text (grid + mismatches), JSON (the DESIGN contract) and JUnit XML. */
import type { MatrixCell, MatrixResult } from './types';

export function matrixToJson(result: MatrixResult): unknown {
  return {
    cells: result.cells.map((c) => ({ principal: c.principal, tool: c.tool, expected: c.expected, actual: c.actual, pass: c.pass, detail: c.detail, hostile: c.hostile, durationMs: c.durationMs })),
    summary: result.summary,
    server: result.server,
    principals: result.principals,
    tools: result.tools,
    notes: result.notes,
  };
}

const SYMBOL: Record<string, string> = { allow: 'allow', deny: 'deny', error: 'ERROR', timeout: 'TIMEOUT', skipped: 'skip' };

export function matrixToText(result: MatrixResult): string {
  const byKey = new Map(result.cells.map((c) => [`${c.principal}\u0000${c.tool}`, c]));
  const header = ['principal', ...result.tools];
  const rows = result.principals.map((p) => [
    p,
    ...result.tools.map((t) => {
      const c = byKey.get(`${p}\u0000${t}`);
      if (!c) return '-';
      const mark = c.pass ? (c.expected === 'none' && c.actual !== 'skipped' ? '?' : '') : '✗';
      return `${mark}${SYMBOL[c.actual] ?? c.actual}`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const out: string[] = [];
  out.push(`Principal matrix (${result.server.transport}: ${result.server.url ?? result.server.command})`, '');
  out.push(line(header), line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) out.push(line(r));
  out.push('', '✗ = not as expected, ? = no expectation (tool not named in the matrix file)');
  const failed = result.cells.filter((c) => !c.pass);
  if (failed.length) {
    out.push('', `Mismatches (${failed.length}):`);
    for (const c of failed) out.push(`  ✗ ${c.principal} × ${c.tool}: expected ${c.expected}, got ${c.actual} — ${c.detail}`);
  }
  const skipped = result.cells.filter((c) => c.actual === 'skipped');
  if (skipped.length) {
    out.push('', `Skipped (${skipped.length}):`);
    for (const c of skipped) out.push(`  - ${c.principal} × ${c.tool}: ${c.detail}`);
  }
  if (result.notes.length) {
    out.push('', 'Notes:');
    for (const n of result.notes) out.push(`  - ${n}`);
  }
  const s = result.summary;
  out.push('', `${s.total} cells: ${s.passed} as expected, ${s.failed} mismatched${s.skipped ? `, ${s.skipped} skipped` : ''}${s.noExpectation ? `, ${s.noExpectation} without expectation` : ''} (${(s.durationMs / 1000).toFixed(1)} s)`);
  return out.join('\n') + '\n';
}

const xml = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** One testsuite per tool, one testcase per principal; failures carry expected vs actual and why. */
export function matrixToJUnit(result: MatrixResult, suiteName = 'mcp-secure matrix'): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = result.summary;
  out.push(`<testsuites name="${xml(suiteName)}" tests="${s.total}" failures="${s.failed}" skipped="${s.skipped}" time="${(s.durationMs / 1000).toFixed(3)}">`);
  for (const tool of result.tools) {
    const cells = result.cells.filter((c) => c.tool === tool);
    const failures = cells.filter((c) => !c.pass).length;
    const skipped = cells.filter((c) => c.actual === 'skipped').length;
    const time = cells.reduce((a, c) => a + c.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${xml(tool)}" tests="${cells.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`);
    for (const c of cells) out.push(testcase(c, tool));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function testcase(c: MatrixCell, tool: string): string {
  const open = `    <testcase classname="mcp-matrix.${xml(tool)}" name="${xml(`${c.principal} → ${tool}`)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
  if (c.actual === 'skipped') return `${open}>\n      <skipped message="${xml(c.detail)}"/>\n    </testcase>`;
  if (!c.pass) {
    const msg = `expected ${c.expected}, got ${c.actual}`;
    return `${open}>\n      <failure message="${xml(msg)}" type="${c.actual === 'allow' ? 'UnexpectedAllow' : c.actual === 'deny' ? 'UnexpectedDeny' : c.actual === 'timeout' ? 'Timeout' : 'Error'}">${xml(`${msg}\n${c.detail}`)}</failure>\n    </testcase>`;
  }
  return `${open}>\n      <system-out>${xml(`${c.actual}: ${c.detail}`)}</system-out>\n    </testcase>`;
}
