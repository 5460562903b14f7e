// The migration engine's contracts beyond the golden outputs: the quick-fix subset, account
// names, refusals, and executeMigration's order of steps against an in-memory keychain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigCandidate } from '../../src/core/discovery/configParse';
import { Keychain, KeychainError, type KeytarLike } from '../../src/core/keychain/keychain';
import { applyEdits, executeMigration, MigrationError, planMigration, resolveConfigCandidate, type PlanInput } from '../../src/core/migrate';
import { assertSameText, materialise } from '../fixtures/migrate/materialise';

const LAUNCHER = '/home/u/.local/share/mcp-secure/bin/mcp-secure-run';
const cursor: ConfigCandidate = { path: '/w/.cursor/mcp.json', client: 'cursor', scope: 'workspace', format: 'json', shape: 'mcp-servers', shared: false };

const TWO_SERVERS = `{
  "mcpServers": {
    "github": { "command": "npx", "args": ["-y", "gh-mcp"], "env": { "GITHUB_TOKEN": "ghp_<<an:36>>" } },
    "linear": { "command": "npx", "args": ["linear-mcp"], "env": { "LINEAR_API_KEY": "lin_api_<<an:40>>" } }
  }
}
`;

function planFor(text: string, extra: Partial<PlanInput> = {}) {
  return planMigration({ text, candidate: cursor, root: '/w', service: 'mcp-secure', launcher: LAUNCHER, existingAccounts: new Set(), ...extra });
}

/** keytar in memory, with switches for the failures a real keychain has. */
class MemoryKeytar implements KeytarLike {
  readonly entries = new Map<string, string>();
  sets = 0;
  failOnSet = 0;
  corruptReads = false;
  async getPassword(service: string, account: string) {
    const value = this.entries.get(`${service}\u0000${account}`) ?? null;
    return this.corruptReads && value !== null ? value + 'x' : value;
  }
  async setPassword(service: string, account: string, password: string) {
    this.sets++;
    if (this.failOnSet && this.sets >= this.failOnSet) throw new Error('Cannot create an item in a locked collection');
    this.entries.set(`${service}\u0000${account}`, password);
  }
  async deletePassword(service: string, account: string) {
    return this.entries.delete(`${service}\u0000${account}`);
  }
  async findCredentials(service: string) {
    return [...this.entries].filter(([k]) => k.startsWith(`${service}\u0000`)).map(([k, password]) => ({ account: k.split('\u0000')[1]!, password }));
  }
}

function tempConfig(text: string, mode = 0o600) {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-migrate-'));
  const file = join(dir, 'mcp.json');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return { dir, file, candidate: { ...cursor, path: file }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('only: a quick fix for one finding migrates that value alone (and wraps only its server)', () => {
  const { text } = materialise(TWO_SERVERS, 'only');
  const full = planFor(text);
  assert.equal(full.secrets.length, 2);
  const linear = full.secrets.find((s) => s.serverName === 'linear')!;
  const one = planFor(text, { only: { offsets: [linear.findingRange.start.offset] } });
  assert.deepEqual(one.secrets.map((s) => s.account), ['linear/LINEAR_API_KEY']);
  const out = applyEdits(text, one.edits);
  assert.ok(out.includes('"command": "npx", "args": ["-y", "gh-mcp"]'), 'github untouched');
  assert.ok(out.includes(`"command": ${JSON.stringify(LAUNCHER)}, "args": ["--", "npx", "linear-mcp"]`));
  assert.ok(!out.includes(linear.secret));
  assert.deepEqual(planFor(text, { only: { offsets: [1] } }).secrets, [], 'an offset that is no finding plans nothing');
});

test('account names are unique against the keychain and within the plan', () => {
  const { text } = materialise(TWO_SERVERS, 'accounts');
  const p = planFor(text, { existingAccounts: new Set(['github/GITHUB_TOKEN', 'github/GITHUB_TOKEN-2']) });
  assert.deepEqual(p.secrets.map((s) => s.account), ['github/GITHUB_TOKEN-3', 'linear/LINEAR_API_KEY']);
  assert.equal(p.secrets[0]!.reference, 'keyring://mcp-secure/github/GITHUB_TOKEN-3');
  const custom = planFor(text, { service: 'team-x' });
  assert.equal(custom.secrets[0]!.reference, 'keyring://team-x/github/GITHUB_TOKEN');
});

test('values that are already references, inputs or env variables are not touched', () => {
  const text = `{ "mcpServers": { "a": { "command": "${LAUNCHER}", "args": ["--", "npx"], "env": { "T": "keyring://mcp-secure/a/T", "U": "\${env:U}", "V": "\${input:v}" } } } }`;
  const p = planFor(text);
  assert.deepEqual(p.secrets, []);
  assert.deepEqual(p.edits, []);
});

test('refusals: malformed files, vscode-input outside VS Code, and never a throw on garbage', () => {
  const bad = planFor('{ "mcpServers": { "a": { "command": "npx" "env": {} } } }');
  assert.equal(bad.edits.length, 0);
  assert.match(bad.skipped[0]!.reason, /error/);
  const { text } = materialise(TWO_SERVERS, 'refuse');
  const input = planFor(text, { strategy: 'vscode-input' });
  assert.equal(input.edits.length, 0);
  assert.match(input.skipped[0]!.reason, /VS Code/);
  for (const junk of ['', '[]', 'null', '{', '\u0000\u0001', '{"mcpServers": 3}', '{"mcpServers": {"a": []}}']) {
    assert.doesNotThrow(() => planFor(junk));
  }
  // No skip reason or warning ever holds a value.
  const { text: t2 } = materialise(TWO_SERVERS, 'msgs');
  const p = planFor(t2);
  const shown = JSON.stringify({ w: p.warnings, s: p.skipped, c: p.changes, r: p.secrets.map((s) => s.redacted) });
  for (const s of p.secrets) assert.ok(!shown.includes(s.secret));
});

test('a secret in the command itself is skipped with a reason', () => {
  const { text } = materialise(`{ "mcpServers": { "x": { "command": "ghp_<<an:36>>" } } }`, 'cmd');
  const p = planFor(text);
  assert.deepEqual(p.secrets, []);
  assert.equal(p.skipped[0]!.serverName, 'x');
});

test('executeMigration: keychain first (read back), then an atomic rewrite with the same mode bits', async () => {
  const { text } = materialise(TWO_SERVERS, 'exec');
  const t = tempConfig(text, 0o640);
  try {
    const keytar = new MemoryKeytar();
    const keychain = new Keychain(keytar, { service: 'svc' });
    const p = planMigration({ text, candidate: t.candidate, root: t.dir, service: 'svc', launcher: LAUNCHER, existingAccounts: new Set() });
    const steps: string[] = [];
    const result = await executeMigration(p, { file: t.file, keychain, originalText: text, candidate: t.candidate, onStep: (s) => void steps.push(s) });
    assert.deepEqual(steps, ['keychain-write', 'keychain-write', 'keychain-done', 'reread', 'verified', 'temp-written', 'temp-synced', 'renamed', 'checked']);
    assertSameText(readFileSync(t.file, 'utf8'), result.newText, 'file content');
    assert.equal(statSync(t.file).mode & 0o777, 0o640);
    for (const s of p.secrets) assert.equal(await keychain.get(s.account), s.secret);
    assert.deepEqual(readdirSync(t.dir), ['mcp.json'], 'no temp file left');
  } finally {
    t.cleanup();
  }
});

test('executeMigration refuses a file changed since it was read: nothing written, entries kept and listed', async () => {
  const { text } = materialise(TWO_SERVERS, 'changed');
  const t = tempConfig(text);
  try {
    const keytar = new MemoryKeytar();
    const keychain = new Keychain(keytar, { service: 'svc' });
    const p = planMigration({ text, candidate: t.candidate, root: t.dir, service: 'svc', launcher: LAUNCHER, existingAccounts: new Set() });
    const edited = text.replace('gh-mcp', 'gh-mcp2');
    await assert.rejects(
      executeMigration(p, { file: t.file, keychain, originalText: text, candidate: t.candidate, onStep: (s) => { if (s === 'reread') writeFileSync(t.file, edited); } }),
      (e: unknown) => e instanceof MigrationError && e.failure === 'file-changed' && e.keptEntries.length === 2 && /keyring:\/\/svc\/github\/GITHUB_TOKEN/.test(e.message) && !p.secrets.some((s) => e.message.includes(s.secret)),
    );
    assertSameText(readFileSync(t.file, 'utf8'), edited, 'the newer file is left alone');
    assert.equal(keytar.entries.size, 2, 'entries kept so nothing is lost');
  } finally {
    t.cleanup();
  }
});

test('executeMigration: a keychain failure leaves the file byte-for-byte and removes what this run stored', async () => {
  const { text } = materialise(TWO_SERVERS, 'kcfail');
  const t = tempConfig(text);
  try {
    const keytar = new MemoryKeytar();
    keytar.failOnSet = 2;
    const keychain = new Keychain(keytar, { service: 'svc' });
    const p = planMigration({ text, candidate: t.candidate, root: t.dir, service: 'svc', launcher: LAUNCHER, existingAccounts: new Set() });
    await assert.rejects(executeMigration(p, { file: t.file, keychain, originalText: text, candidate: t.candidate }), (e: unknown) => e instanceof KeychainError && e.failure === 'locked');
    assertSameText(readFileSync(t.file, 'utf8'), text, 'file content');
    assert.equal(keytar.entries.size, 0);

    const corrupt = new MemoryKeytar();
    corrupt.corruptReads = true;
    await assert.rejects(executeMigration(p, { file: t.file, keychain: new Keychain(corrupt, { service: 'svc' }), originalText: text, candidate: t.candidate }), (e: unknown) => e instanceof KeychainError && e.failure === 'verify-failed');
    assertSameText(readFileSync(t.file, 'utf8'), text, 'file content');
  } finally {
    t.cleanup();
  }
});

test('executeMigration: a plan whose output does not verify stores nothing and writes nothing', async () => {
  const { text } = materialise(TWO_SERVERS, 'badplan');
  const t = tempConfig(text);
  try {
    const keytar = new MemoryKeytar();
    const p = planMigration({ text, candidate: t.candidate, root: t.dir, service: 'svc', launcher: LAUNCHER, existingAccounts: new Set() });
    const broken = { ...p, edits: p.edits.slice(1) }; // drops an edit: a value would stay
    await assert.rejects(executeMigration(broken, { file: t.file, keychain: new Keychain(keytar, { service: 'svc' }), originalText: text, candidate: t.candidate }), (e: unknown) => e instanceof MigrationError && e.failure === 'verify-failed');
    assert.equal(keytar.sets, 0);
    assertSameText(readFileSync(t.file, 'utf8'), text, 'file content');
  } finally {
    t.cleanup();
  }
});

test('executeMigration never overwrites a keychain entry that appeared after planning', async () => {
  const { text } = materialise(TWO_SERVERS, 'race');
  const t = tempConfig(text);
  try {
    const keytar = new MemoryKeytar();
    await keytar.setPassword('svc', 'linear/LINEAR_API_KEY', 'someone-else');
    const p = planMigration({ text, candidate: t.candidate, root: t.dir, service: 'svc', launcher: LAUNCHER, existingAccounts: new Set() });
    await assert.rejects(executeMigration(p, { file: t.file, keychain: new Keychain(keytar, { service: 'svc' }), originalText: text, candidate: t.candidate }), KeychainError);
    assert.equal(keytar.entries.get('svc\u0000linear/LINEAR_API_KEY'), 'someone-else');
    assertSameText(readFileSync(t.file, 'utf8'), text, 'file content');
  } finally {
    t.cleanup();
  }
});

test('executeMigration writes through a symlink: the link stays, its target is rewritten', async () => {
  const { text } = materialise(TWO_SERVERS, 'link');
  const t = tempConfig(text);
  try {
    const link = join(t.dir, 'link.json');
    symlinkSync(t.file, link);
    const candidate = { ...cursor, path: link };
    const p = planMigration({ text, candidate, root: t.dir, service: 'svc', launcher: LAUNCHER, existingAccounts: new Set() });
    const result = await executeMigration(p, { file: link, keychain: new Keychain(new MemoryKeytar(), { service: 'svc' }), originalText: text, candidate });
    assert.ok(lstatSync(link).isSymbolicLink());
    assertSameText(readFileSync(t.file, 'utf8'), result.newText, 'file content');
  } finally {
    t.cleanup();
  }
});

test('resolveConfigCandidate: workspace paths, exact user paths, file names, --client', async () => {
  const denv = { platform: 'linux' as const, home: '/home/u', env: {} };
  const listDir = async () => [] as string[];
  const at = (file: string, client?: ConfigCandidate['client']) => resolveConfigCandidate(file, { denv, listDir, client });
  assert.equal((await at('/repo/.vscode/mcp.json'))?.shape, 'vscode-servers');
  assert.equal((await at('/repo/.codex/config.toml'))?.client, 'codex');
  const desktop = await at('/home/u/.config/Claude/claude_desktop_config.json');
  assert.deepEqual([desktop?.client, desktop?.scope], ['claude-desktop', 'user']);
  assert.equal((await at('/home/u/.codeium/windsurf/mcp_config.json'))?.shape, 'mcp-servers-serverurl');
  assert.equal((await at('/tmp/copy/claude_desktop_config.json'))?.client, 'claude-desktop', 'by file name');
  assert.equal((await at('/tmp/copy/anything.json')), undefined);
  const forced = await at('/tmp/copy/anything.json', 'cursor');
  assert.deepEqual([forced?.client, forced?.shape], ['cursor', 'mcp-servers']);
  assert.equal((await at('/tmp/x/config.yaml', 'goose'))?.shape, 'goose');
});

test('layouts: YAML block scalars, aliases and CRLF; TOML dotted keys; Windows launcher paths', () => {
  const yaml = (template: string) => {
    const { text } = materialise(template, 'yaml-layouts');
    const candidate: ConfigCandidate = { path: '/w/.continue/mcpServers/x.yaml', client: 'continue', scope: 'workspace', format: 'yaml', shape: 'continue', shared: false };
    const p = planMigration({ text, candidate, root: '/w', service: 'mcp-secure', launcher: LAUNCHER, existingAccounts: new Set() });
    return { text, p, out: applyEdits(text, p.edits) };
  };
  const block = yaml('mcpServers:\n  - name: a\n    command: npx\n    env:\n      TOKEN: |\n        ghp_<<an:36>>\n    args: [x]\n');
  assert.equal(block.p.secrets.length, 1);
  assertSameText(block.out, `mcpServers:\n  - name: a\n    command: "${LAUNCHER}"\n    env:\n      TOKEN: "keyring://mcp-secure/a/TOKEN"\n    args: ["--", "npx", x]\n`, 'block scalar');
  assert.equal(block.p.secrets[0]!.secret.endsWith('\n'), true, 'the block scalar value is stored as the client reads it');

  const alias = yaml('base: &tok ghp_<<an:36>>\nmcpServers:\n  - name: a\n    command: npx\n    env:\n      TOKEN: *tok\n');
  assert.equal(alias.p.edits.length, 0);
  assert.match(alias.p.skipped[0]!.reason, /alias/);

  const crlf = yaml('mcpServers:\r\n  - name: a\r\n    command: npx\r\n    env:\r\n      TOKEN: ghp_<<an:36>>\r\n');
  assertSameText(crlf.out, `mcpServers:\r\n  - name: a\r\n    command: "${LAUNCHER}"\r\n    args: ["--", "npx"]\r\n    env:\r\n      TOKEN: "keyring://mcp-secure/a/TOKEN"\r\n`, 'CRLF YAML');

  const { text: toml } = materialise('[mcp_servers]\nx.command = "npx"\nx.env.TOKEN = "ghp_<<an:36>>"\n', 'toml-dotted');
  const codex: ConfigCandidate = { path: '/w/.codex/config.toml', client: 'codex', scope: 'workspace', format: 'toml', shape: 'codex', shared: true };
  const tp = planMigration({ text: toml, candidate: codex, root: '/w', service: 'mcp-secure', launcher: LAUNCHER, existingAccounts: new Set() });
  assertSameText(applyEdits(toml, tp.edits), `[mcp_servers]\nx.command = "${LAUNCHER}"\nx.args = ["--", "npx"]\nx.env.TOKEN = "keyring://mcp-secure/x/TOKEN"\n`, 'TOML dotted');

  const windows = planFor(materialise(TWO_SERVERS, 'win').text, { launcher: 'C:\\Users\\me\\AppData\\Local\\mcp-secure\\bin\\mcp-secure-run.cmd' });
  assert.ok(windows.edits.some((e) => e.newText === '"C:\\\\Users\\\\me\\\\AppData\\\\Local\\\\mcp-secure\\\\bin\\\\mcp-secure-run.cmd"'));
});

test('arguments: --flag=<value> keeps its flag; any other argument holding a secret is stored whole (the launcher contract)', () => {
  const { text } = materialise('{ "mcpServers": { "d": { "command": "docker", "args": ["run", "-e", "GITHUB_TOKEN=ghp_<<an:36>>", "--token=ghp_<<an:36>>", "img"] } } }', 'args');
  const p = planFor(text);
  const out = applyEdits(text, p.edits);
  assert.deepEqual(p.secrets.map((s) => [s.account, s.wholeValue]), [['d/GITHUB_TOKEN', true], ['d/token', false]]);
  assert.ok(out.includes('"-e", "keyring://mcp-secure/d/GITHUB_TOKEN", "--token=keyring://mcp-secure/d/token"'));
  assert.ok(p.secrets[0]!.secret.startsWith('GITHUB_TOKEN='), 'the whole argument is stored');
});
