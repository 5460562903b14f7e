// `mcp-secure migrate` end to end against the real Secret Service (gnome-keyring in the private
// D-Bus session `npm test` starts): every demo config and every client format is migrated by the
// CLI, secret-tool finds each value under its account, the file references it and re-parses,
// a second run has nothing to do, and no output ever holds a value.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseClientConfig, type ConfigCandidate } from '../../src/core/discovery/configParse';
import { matchWorkspaceConfig } from '../../src/core/discovery/clients';
import { applyEdits, planMigration, type MigrationStrategy } from '../../src/core/migrate';
import { assertSameText, materialise } from '../fixtures/migrate/materialise';
import { migrateCli, ROOT } from '../fixtures/migrate/cli';

const inKeyring = process.env.MCP_SECURE_TEST_KEYRING === '1';
const skip = !inKeyring && 'needs the test keyring (run through npm test)';
const LAUNCHER = '/opt/mcp-secure/bin/mcp-secure-run';
const demo = join(ROOT, 'examples', 'demo-workspace');
const services: string[] = [];
let counter = 0;

function newService(): string {
  const service = `mcps-it-${process.pid}-${++counter}`;
  services.push(service);
  return service;
}

after(() => {
  for (const service of services) spawnSync('secret-tool', ['clear', 'service', service]);
});

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const { script } = migrateCli();
  const result = spawnSync(process.execPath, [script, 'migrate', ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lookup(service: string, account: string): string | undefined {
  const result = spawnSync('secret-tool', ['lookup', 'service', service, 'account', account], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : undefined;
}

/** Migrates one file via the CLI and checks everything the issue asks for. */
function migrateAndCheck(file: string, candidate: ConfigCandidate, extraArgs: string[] = [], strategy?: MigrationStrategy) {
  const service = newService();
  const text = readFileSync(file, 'utf8');
  const plan = planMigration({ text, candidate: { ...candidate, path: file }, root: dirname(file), service, launcher: LAUNCHER, existingAccounts: new Set(), strategy });
  const expected = applyEdits(text, plan.edits);
  const run = cli([file, '--yes', '--service', service, '--launcher', LAUNCHER, '--format', 'json', ...extraArgs]);
  const secrets = plan.secrets.map((s) => s.secret);
  for (const out of [run.stdout, run.stderr]) {
    for (const secret of secrets) assert.ok(!out.includes(secret), 'no value in the CLI output');
  }
  if (plan.secrets.length === 0) {
    assert.equal(run.code, 1, run.stderr);
    return { plan, service, run };
  }
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { written: boolean; secrets: Array<{ account: string; reference: string }> };
  assert.equal(report.written, true);
  assert.deepEqual(report.secrets.map((s) => s.account), plan.secrets.map((s) => s.account));
  const written = readFileSync(file, 'utf8');
  assertSameText(written, expected, 'the file is exactly the planned rewrite');
  for (const s of plan.secrets) {
    assert.ok(lookup(service, s.account) === s.secret, `secret-tool finds ${s.account} with the original value`);
    assert.ok(written.includes(s.reference), `${s.account} is referenced`);
    for (const d of s.detected) assert.ok(!written.includes(d), `${s.account} no longer in the file`);
  }
  const reparsed = parseClientConfig(written, { ...candidate, path: file });
  assert.deepEqual(reparsed.problems.filter((p) => p.severity === 'error'), []);

  // Again: nothing to do, nothing changes.
  const again = cli([file, '--yes', '--service', service, '--launcher', LAUNCHER]);
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, plan.skipped.length > 0 ? /nothing migrated; skipped/ : /nothing to migrate/);
  assertSameText(readFileSync(file, 'utf8'), written, 'unchanged by the second run');
  return { plan, service, run };
}

const DEMO_CONFIGS = ['.vscode/mcp.json', '.mcp.json', '.cursor/mcp.json', '.codex/config.toml', '.continue/mcpServers/postgres.yaml', '.gemini/settings.json', '.roo/mcp.json', '.zed/settings.json', 'opencode.json'];

test('migrate --yes moves every demo config secret into the keychain; secret-tool finds them; a second run is a no-op', { skip }, (t) => {
  if (!migrateCli().real) t.diagnostic('dist/cli.js does not register migrate yet: using the bundled migrate command (test/fixtures/migrate/cli-entry.ts)');
  const work = mkdtempSync(join(tmpdir(), 'mcps-migrate-demo-'));
  try {
    let moved = 0;
    for (const rel of DEMO_CONFIGS) {
      const file = join(work, rel);
      mkdirSync(dirname(file), { recursive: true });
      cpSync(join(demo, rel), file);
      const candidate = { ...matchWorkspaceConfig(rel)!, path: file };
      moved += migrateAndCheck(file, candidate).plan.secrets.length;
    }
    assert.ok(moved >= 8, `the demo's plaintext values moved (${moved})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

interface Case { name: string; input: string; path: string; client: ConfigCandidate['client']; format: ConfigCandidate['format']; shape: ConfigCandidate['shape']; strategy?: MigrationStrategy; secrets: number }

test('every client format migrates through the CLI and re-parses (fixtures of test/fixtures/migrate)', { skip }, () => {
  const dir = join(ROOT, 'test', 'fixtures', 'migrate');
  const manifest = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Case[] };
  const work = mkdtempSync(join(tmpdir(), 'mcps-migrate-formats-'));
  try {
    for (const c of manifest.cases) {
      if (c.secrets === 0) continue;
      const { text } = materialise(readFileSync(join(dir, 'cases', c.input), 'utf8'), `it-${c.name}`);
      // Same relative location as the client uses, so the CLI recognises the file by its path.
      const file = join(work, c.name, relative('/', c.path).replace(/^(w|h)\//, ''));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      const candidate: ConfigCandidate = { path: file, client: c.client, scope: 'workspace', format: c.format, shape: c.shape, shared: false };
      const args = ['--client', c.client, ...(c.strategy ? ['--strategy', c.strategy] : [])];
      const { plan } = migrateAndCheck(file, candidate, args, c.strategy);
      assert.equal(plan.secrets.length, c.secrets, c.name);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('refusals: malformed file (2), no TTY without --yes (1), nothing to migrate (1), unknown file (2); the file never changes', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'mcps-migrate-refuse-'));
  try {
    const service = newService();
    const file = join(work, '.cursor', 'mcp.json');
    mkdirSync(dirname(file), { recursive: true });
    const { text: bad } = materialise('{ "mcpServers": { "a": { "command": "npx" "env": { "T": "ghp_<<an:36>>" } } } }', 'bad');
    writeFileSync(file, bad);
    const malformed = cli([file, '--yes', '--service', service]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /Expected comma.*fix the file first/);
    assertSameText(readFileSync(file, 'utf8'), bad, 'malformed file unchanged');

    const { text: good } = materialise('{ "mcpServers": { "a": { "command": "npx", "env": { "T": "ghp_<<an:36>>" } } } }', 'good');
    writeFileSync(file, good);
    const noTty = cli([file, '--service', service]);
    assert.equal(noTty.code, 1);
    assert.match(noTty.stderr, /pass --yes/);
    assertSameText(readFileSync(file, 'utf8'), good, 'file unchanged');
    assert.equal(lookup(service, 'a/T'), undefined, 'nothing stored');

    const dry = cli([file, '--dry-run', '--service', service, '--format', 'json']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal((JSON.parse(dry.stdout) as { written: boolean }).written, false);
    assertSameText(readFileSync(file, 'utf8'), good, 'file unchanged');

    writeFileSync(file, '{ "mcpServers": { "a": { "command": "npx", "env": { "T": "keyring://x/a/T" } } } }');
    const nothing = cli([file, '--yes', '--service', service]);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /nothing to migrate/);

    const other = join(work, 'notes.json');
    writeFileSync(other, '{}');
    assert.equal(cli([other, '--yes']).code, 2);
    assert.equal(cli([join(work, 'missing.json'), '--yes']).code, 2);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('no keychain (no D-Bus session): exit 2 with the cause and fix; the file is untouched', () => {
  const work = mkdtempSync(join(tmpdir(), 'mcps-migrate-nodbus-'));
  try {
    const file = join(work, '.cursor', 'mcp.json');
    mkdirSync(dirname(file), { recursive: true });
    const { text } = materialise('{ "mcpServers": { "a": { "command": "npx", "env": { "T": "ghp_<<an:36>>" } } } }', 'nodbus');
    writeFileSync(file, text);
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    const run = cli([file, '--yes', '--service', 'mcps-nodbus'], env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /D-Bus|keychain/i);
    assertSameText(readFileSync(file, 'utf8'), text, 'file unchanged');
    assert.ok(!run.stderr.includes(text.slice(text.indexOf('ghp_'), text.indexOf('ghp_') + 40)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
