// The principal-matrix grid model: cells of tools × principals, results merged cell by cell
// (single-cell re-runs), expectations shown for cells not run, mismatch counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridModel, mergeResults, resultFromCells } from '../../src/core/matrix/grid';
import { HOSTILE_PRINCIPALS, type MatrixCell, type MatrixConfig, type MatrixResult } from '../../src/core/matrix/types';

const config: MatrixConfig = {
  server: { transport: 'stdio', command: 'node' },
  principals: { reader: { sub: 'alice', scopes: ['notes:read'] }, admin: { sub: 'root', scopes: ['notes:read', 'notes:write'] } },
  tools: { read_note: { allow: ['reader', 'admin'] }, delete_note: { allow: ['admin'] } },
};

function cell(principal: string, tool: string, expected: MatrixCell['expected'], actual: MatrixCell['actual'], detail = 'd'): MatrixCell {
  const pass = actual === 'skipped' || expected === 'none' || expected === actual;
  return { principal, tool, expected, actual, pass, detail, hostile: (HOSTILE_PRINCIPALS as readonly string[]).includes(principal), durationMs: 3 };
}

function result(cells: MatrixCell[], tools: string[], principals: string[]): MatrixResult {
  const failed = cells.filter((c) => !c.pass).length;
  return {
    server: { transport: 'stdio', command: 'node' },
    principals,
    tools,
    cells,
    summary: { total: cells.length, passed: cells.length - failed, failed, skipped: 0, noExpectation: 0, durationMs: 10 },
    notes: [],
  };
}

const ALL = ['reader', 'admin', ...HOSTILE_PRINCIPALS];

test('grid without a run: every tool × principal, expectations from the file, nothing counted as run', () => {
  const m = gridModel('/w/mcp-matrix.json', 'w · mcp-matrix.json', config, undefined);
  assert.deepEqual(m.tools, ['read_note', 'delete_note']);
  assert.deepEqual(m.principals, ALL);
  assert.equal(m.cells.length, 2 * ALL.length);
  assert.ok(m.cells.every((c) => c.state === 'not-run' && !c.mismatch));
  const at = (tool: string, p: string) => m.cells[m.tools.indexOf(tool) * m.principals.length + m.principals.indexOf(p)]!;
  assert.equal(at('delete_note', 'reader').expected, 'deny');
  assert.equal(at('delete_note', 'admin').expected, 'allow');
  assert.equal(at('read_note', 'anonymous').expected, 'deny');
  assert.equal(at('read_note', 'anonymous').hostile, true);
  assert.deepEqual(m.summary, { total: 16, run: 0, asExpected: 0, mismatches: 0, skipped: 0, noExpectation: 0 });
  assert.equal(m.finishedAt, undefined);
});

test('grid after a run: row-major cells, mismatches marked, tools the server listed appended', () => {
  const cells = ALL.flatMap((p) => [
    cell(p, 'read_note', p === 'reader' || p === 'admin' ? 'allow' : 'deny', p === 'anonymous' ? 'allow' : p === 'reader' || p === 'admin' ? 'allow' : 'deny'),
    cell(p, 'delete_note', p === 'admin' ? 'allow' : 'deny', p === 'reader' ? 'allow' : p === 'admin' ? 'allow' : 'deny'),
    cell(p, 'health', 'none', 'allow'),
  ]);
  const m = gridModel('/f', 't', config, result(cells, ['read_note', 'delete_note', 'health'], ALL), 1234);
  assert.deepEqual(m.tools, ['read_note', 'delete_note', 'health']);
  assert.equal(m.cells.length, 3 * ALL.length);
  for (let i = 0; i < m.tools.length; i++) {
    for (let j = 0; j < m.principals.length; j++) {
      const c = m.cells[i * m.principals.length + j]!;
      assert.equal(c.tool, m.tools[i]);
      assert.equal(c.principal, m.principals[j]);
    }
  }
  const mismatches = m.cells.filter((c) => c.mismatch).map((c) => `${c.principal}/${c.tool}`).sort();
  assert.deepEqual(mismatches, ['anonymous/read_note', 'reader/delete_note']);
  assert.equal(m.summary.mismatches, 2);
  assert.equal(m.summary.run, m.summary.total);
  assert.equal(m.summary.noExpectation, ALL.length, 'health is not named: no expectation');
  assert.equal(m.finishedAt, 1234);
});

test('mergeResults: a single-cell re-run replaces only that cell and recounts', () => {
  const full = result(
    [cell('reader', 'delete_note', 'deny', 'allow'), cell('admin', 'delete_note', 'allow', 'allow'), cell('reader', 'read_note', 'allow', 'allow')],
    ['delete_note', 'read_note'],
    ['reader', 'admin'],
  );
  assert.equal(full.summary.failed, 1);
  const rerun = result([cell('reader', 'delete_note', 'deny', 'deny', 'fixed')], ['delete_note'], ['reader']);
  const merged = mergeResults(full, rerun);
  assert.equal(merged.cells.length, 3);
  assert.deepEqual(merged.tools, ['delete_note', 'read_note']);
  assert.deepEqual(merged.principals, ['reader', 'admin']);
  assert.equal(merged.summary.failed, 0);
  assert.equal(merged.summary.total, 3);
  assert.equal(merged.cells.find((c) => c.principal === 'reader' && c.tool === 'delete_note')!.detail, 'fixed');
  assert.equal(mergeResults(undefined, rerun), rerun, 'nothing to merge into');
  // A new tool seen only by the re-run is appended.
  const extra = mergeResults(full, result([cell('admin', 'new_tool', 'none', 'allow')], ['new_tool'], ['admin']));
  assert.deepEqual(extra.tools, ['delete_note', 'read_note', 'new_tool']);
  assert.equal(extra.cells.length, 4);
});

test('grid of a file that cannot be read: no cells from expectations, hostile principals only', () => {
  const m = gridModel('/f', 't', undefined, undefined);
  assert.deepEqual(m.tools, []);
  assert.deepEqual(m.principals, [...HOSTILE_PRINCIPALS]);
  assert.equal(m.cells.length, 0);
});

test('live view during a run: the cells finished so far laid over the last result', () => {
  const last = result([cell('reader', 'delete_note', 'deny', 'allow'), cell('admin', 'delete_note', 'allow', 'allow')], ['delete_note'], ['reader', 'admin']);
  const live = resultFromCells([cell('reader', 'delete_note', 'deny', 'deny', 'now refused')], last.server);
  assert.deepEqual(live.tools, ['delete_note']);
  assert.deepEqual(live.principals, ['reader']);
  assert.equal(live.summary.failed, 0);
  const m = gridModel('/f', 't', config, mergeResults(last, live));
  const c = m.cells.find((x) => x.principal === 'reader' && x.tool === 'delete_note')!;
  assert.equal(c.state, 'deny');
  assert.equal(c.mismatch, false);
  assert.equal(m.cells.find((x) => x.principal === 'admin' && x.tool === 'delete_note')!.state, 'allow', 'cells not re-run yet keep the last result');
});
