// The built CLI's `matrix` command. dist/cli.js does not carry the harness (MCP SDK client,
// jose, zod): the command loads dist/matrix.js when it runs (scripts/build.mjs resolves the
// source's dynamic import to it), so every other command starts without parsing it. This runs
// the real docs server of test/fixtures/matrix through the built files, as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const fixtures = join(repo, 'test', 'fixtures', 'matrix');

test('dist/cli.js leaves the matrix harness to dist/matrix.js', () => {
  const bundle = readFileSync(cli, 'utf8');
  // The 2026-07-28 discovery request exists only in the harness's protocol code.
  assert.ok(readFileSync(join(repo, 'dist', 'matrix.js'), 'utf8').includes('server/discover'));
  assert.ok(!bundle.includes('server/discover'), 'the harness is bundled into dist/cli.js again');
});

test('`mcp-secure matrix` from dist/ runs every cell against a real server', () => {
  const run = spawnSync(process.execPath, [cli, 'matrix', '--config', 'docs-matrix.json', '--format', 'json'], {
    cwd: fixtures,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.error, undefined, run.error?.message);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { cells: Array<{ principal: string; tool: string; actual: string; pass: boolean }>; summary: { total: number; failed: number } };
  assert.equal(result.summary.failed, 0);
  assert.equal(result.cells.length, result.summary.total);
  const cell = (principal: string, tool: string) => result.cells.find((c) => c.principal === principal && c.tool === tool);
  assert.equal(cell('reader', 'read_doc')?.actual, 'allow');
  assert.equal(cell('reader', 'admin_purge')?.actual, 'deny');
  assert.equal(cell('admin', 'admin_purge')?.actual, 'allow');
  assert.match(run.stderr, /cells, 0 mismatched/);
});
