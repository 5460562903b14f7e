// The principal matrix against a real published server: @modelcontextprotocol/server-everything
// over stdio. It has no authorization at all, so the harness must call every tool it lists
// (arguments generated from the input schemas) and report every tool that answers as a
// mismatch for each hostile principal.
//
// The package is installed at test time into a test-owned cache (.cache/matrix-server-everything,
// git-ignored), never into package.json. Without network access the test is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMatrixFile } from '../../src/core/matrix/load';
import { runMatrix } from '../../src/core/matrix/run';
import { HOSTILE_PRINCIPALS } from '../../src/core/matrix/types';

const root = join(__dirname, '..', '..');
const cache = join(root, '.cache', 'matrix-server-everything');
const entry = join(cache, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

function ensureInstalled(): string | undefined {
  if (existsSync(entry)) return undefined;
  mkdirSync(cache, { recursive: true });
  if (!existsSync(join(cache, 'package.json'))) writeFileSync(join(cache, 'package.json'), '{ "name": "mcps-matrix-cache", "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--no-save', '@modelcontextprotocol/server-everything'], { cwd: cache, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0 || !existsSync(entry)) return `could not install @modelcontextprotocol/server-everything: ${(r.stderr || r.error?.message || '').slice(-300)}`;
  return undefined;
}

const installProblem = ensureInstalled();

test('server-everything (stdio): every tool is called; its missing authorization shows up for every hostile principal', { skip: installProblem, timeout: 180_000 }, async () => {
  const { config, problems } = loadMatrixFile(join(root, 'test', 'fixtures', 'matrix', 'everything-matrix.json'));
  assert.ok(config, JSON.stringify(problems));
  config.server.args = [entry, 'stdio'];
  config.callTimeoutMs = 5000;
  let asked: string[] | undefined;
  const r = await runMatrix(config, { cwd: cache, confirmDestructive: async (tools) => ((asked = tools), false) });
  assert.ok(r.tools.length >= 8, `tools: ${r.tools.join(', ')}`);
  for (const tool of ['echo', 'get-sum']) assert.ok(r.tools.includes(tool), tool);
  const principals = ['user', ...HOSTILE_PRINCIPALS];
  assert.deepEqual(r.principals, principals);
  assert.equal(r.summary.total, r.tools.length * principals.length, 'every tool as every principal');
  const answered = r.tools.filter((t) => r.cells.find((c) => c.principal === 'user' && c.tool === t)?.actual === 'allow');
  assert.ok(answered.length >= 6, `tools that answered: ${answered.join(', ')}`);
  for (const tool of answered) {
    for (const h of HOSTILE_PRINCIPALS) {
      const c = r.cells.find((x) => x.principal === h && x.tool === tool)!;
      if (c.actual === 'skipped') continue;
      assert.equal(c.expected, 'deny');
      assert.equal(c.pass, false, `${h}/${tool}: ${c.actual} ${c.detail}`);
    }
  }
  // The declared principal has no expectations (the file names no tools).
  assert.ok(r.cells.filter((c) => c.principal === 'user').every((c) => c.pass && (c.expected === 'none')));
  assert.ok(r.summary.failed >= answered.length * HOSTILE_PRINCIPALS.length);
  // The echo tool got its generated argument.
  assert.match(r.cells.find((c) => c.principal === 'user' && c.tool === 'echo')!.detail, /mcp-secure-matrix/);
  // Destructive tools (if this version has any) were offered for confirmation and skipped.
  if (asked) for (const t of asked) assert.ok(r.cells.filter((c) => c.tool === t).every((c) => c.actual === 'skipped'));
  // Nothing in the report looks like a token.
  assert.ok(!/eyJ[A-Za-z0-9_-]{8,}/.test(JSON.stringify(r)));
});
