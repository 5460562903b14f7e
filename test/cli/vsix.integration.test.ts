// The packaged VSIX: lean, complete, and its bundles run from where VS Code unpacks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const vsix = join(root, 'dist', 'mcp-secure.vsix');

function listZip(file: string): string[] {
  const out = spawnSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n');
}

test('the VSIX holds the bundles, grammars, keytar binary and rule docs, and nothing else heavy', () => {
  const entries = listZip(vsix);
  for (const required of [
    'extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/launcher.js', 'extension/dist/matrix.js', 'extension/schemas/mcp-matrix.schema.json',
    'extension/dist/wasm/tree-sitter.wasm', 'extension/dist/wasm/tree-sitter-typescript.wasm',
    'extension/dist/wasm/tree-sitter-python.wasm', 'extension/dist/wasm/tree-sitter-go.wasm',
    'extension/dist/node_modules/keytar/build/Release/keytar.node', 'extension/dist/node_modules/keytar/lib/keytar.js',
    'extension/media/shield.svg', 'extension/docs/rules/MCPS301.md', 'extension/readme.md',
    'extension/syntaxes/mcp-secure.injection.tmLanguage.json',
  ]) {
    assert.ok(entries.includes(required), `missing ${required}`);
  }
  const forbidden = entries.filter((e) => /^extension\/(src|test|examples|bench|scripts|node_modules|\.cache)\//.test(e) || e.endsWith('.map') || e.endsWith('.vsix'));
  assert.deepEqual(forbidden, []);
  const megabytes = statSync(vsix).size / (1024 * 1024);
  assert.ok(megabytes < 8, `VSIX is ${megabytes.toFixed(1)} MB`);
});

test('the CLI inside the unpacked VSIX runs (wasm grammars found next to the bundle, keytar loads)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-vsix-'));
  try {
    const unzip = spawnSync('python3', ['-c', 'import sys,zipfile;zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', vsix, dir], { encoding: 'utf8' });
    assert.equal(unzip.status, 0, unzip.stderr);
    const cli = join(dir, 'extension', 'dist', 'cli.js');
    const run = spawnSync(process.execPath, [cli, 'discover', join(root, 'examples', 'demo-workspace'), '--format', 'json'], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const found = JSON.parse(run.stdout) as { servers: Array<{ tools: unknown[] }> };
    assert.ok(found.servers.length >= 3 && found.servers.every((s) => s.tools.length > 0), 'tree-sitter parsing works from the unpacked bundle');
    const keytar = spawnSync(process.execPath, ['-e', `const k = require(${JSON.stringify(join(dir, 'extension', 'dist', 'node_modules', 'keytar'))}); process.stdout.write(typeof k.getPassword)`], { encoding: 'utf8' });
    assert.equal(keytar.stdout, 'function', keytar.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
