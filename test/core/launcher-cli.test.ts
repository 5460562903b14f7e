// The CLI faces of the launcher and the keychain: `run` argument parsing (everything after
// `--` reaches the server untouched), usage errors, and `keychain list|get|set|delete` with
// their exit codes, against an in-memory keytar. Nothing here ever prints a value, except
// `keychain get --reveal`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliIo } from '../../src/cli/main';
import type { KeytarLike } from '../../src/core/keychain/keychain';
import { registerRunCommand } from '../../src/cli/commands/run';
import { registerKeychainCommand, entryFromArg } from '../../src/cli/commands/keychain';
import { runLauncherCli } from '../../src/cli/launcher';

const SECRET = 'sk-cliTestSecretValue-0123456789abcdefXYZ';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

class MemoryKeytar implements KeytarLike {
  readonly items = new Map<string, string>();
  failWith?: string;
  private check() {
    if (this.failWith) throw new Error(this.failWith);
  }
  async getPassword(service: string, account: string) {
    this.check();
    return this.items.get(`${service}\u0000${account}`) ?? null;
  }
  async setPassword(service: string, account: string, password: string) {
    this.check();
    this.items.set(`${service}\u0000${account}`, password);
  }
  async deletePassword(service: string, account: string) {
    this.check();
    return this.items.delete(`${service}\u0000${account}`);
  }
  async findCredentials(service: string) {
    this.check();
    return [...this.items].filter(([k]) => k.startsWith(`${service}\u0000`)).map(([k, password]) => ({ account: k.split('\u0000')[1]!, password }));
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], setup: (program: Command, io: CliIo, setExitCode: (c: number) => void) => void, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env };
  const program = new Command().name('mcp-secure').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  setup(program, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? 0 : 2;
  }
  return { code, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------
// run

const ARGV_TO_FILE = `require('fs').writeFileSync(process.env.OUT, JSON.stringify(process.argv.slice(1)))`;

function runSetup(keytar: KeytarLike) {
  return (program: Command, io: CliIo, setExitCode: (c: number) => void) =>
    registerRunCommand(program, io, setExitCode, { keytar: () => keytar, stdio: ['ignore', 'ignore', 'ignore'] });
}

test('run -- <command>: options after -- pass through untouched, the launcher prints nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-cli-run-'));
  try {
    const out = join(dir, 'argv.json');
    const env = { PATH: process.env.PATH, OUT: out };
    const r = await cli(['run', '--', process.execPath, '-e', ARGV_TO_FILE, '--', '--help', '-x', '--bridge', 'u', '--header', 'A: b', '--', 'run'], runSetup(new MemoryKeytar()), env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), ['--help', '-x', '--bridge', 'u', '--header', 'A: b', '--', 'run']);
    // Without `--` the first operand starts the command, and its options are still its own.
    const r2 = await cli(['run', process.execPath, '-e', ARGV_TO_FILE, '--', '-y', '--version'], runSetup(new MemoryKeytar()), env);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), ['-y', '--version']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run resolves env references through the keychain; the exit code is the child\'s', async () => {
  const keytar = new MemoryKeytar();
  await keytar.setPassword('mcp-secure', 'github/GITHUB_TOKEN', SECRET);
  const script = `process.exit(require('crypto').createHash('sha256').update(process.env.GITHUB_TOKEN).digest('hex') === ${JSON.stringify(sha(SECRET))} ? 9 : 1)`;
  const r = await cli(['run', '--', process.execPath, '-e', script], runSetup(keytar), { PATH: process.env.PATH, GITHUB_TOKEN: 'keyring://mcp-secure/github/GITHUB_TOKEN' });
  assert.equal(r.code, 9, r.stderr);
  assert.equal(r.stdout, '');
});

test('run fails closed with 78 and a stderr line per problem; no value anywhere', async () => {
  const keytar = new MemoryKeytar();
  await keytar.setPassword('mcp-secure', 'a/OK', SECRET);
  const r = await cli(['run', '--', process.execPath, '-e', 'process.exit(0)'], runSetup(keytar), { PATH: process.env.PATH, OK: 'keyring://mcp-secure/a/OK', MISSING: 'keyring://mcp-secure/a/MISSING' });
  assert.equal(r.code, 78);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^mcp-secure run: MISSING refers to keyring:\/\/mcp-secure\/a\/MISSING, which is not in the OS keychain/m);
  assert.doesNotMatch(r.stderr, new RegExp(SECRET));
  // The keychain itself failing: cause and fix.
  keytar.failWith = 'Cannot autolaunch D-Bus without X11 $DISPLAY';
  const r2 = await cli(['run', '--', process.execPath, '-e', 'process.exit(0)'], runSetup(keytar), { OK: 'keyring://mcp-secure/a/OK' });
  assert.equal(r2.code, 78);
  assert.match(r2.stderr, /no D-Bus session bus.*dbus-run-session/);
});

test('run usage errors exit 2: no command, --bridge with a command, --header without --bridge, a malformed header', async () => {
  const k = new MemoryKeytar();
  assert.equal((await cli(['run'], runSetup(k))).code, 2);
  const both = await cli(['run', '--bridge', 'http://127.0.0.1:1/mcp', '--', 'node'], runSetup(k));
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--bridge and a command cannot be combined/);
  const header = await cli(['run', '--header', 'A: b', '--', 'node'], runSetup(k));
  assert.equal(header.code, 2);
  const bad = await cli(['run', '--bridge', 'http://127.0.0.1:1/mcp', '--header', `no-colon-${SECRET}`], runSetup(k));
  assert.equal(bad.code, 2);
  assert.doesNotMatch(bad.stderr, new RegExp(SECRET), 'a malformed header is not echoed');
});

// ---------------------------------------------------------------------------------------------
// keychain

function keychainSetup(keytar: KeytarLike, extra: { stdin?: string; refs?: string[] } = {}) {
  return (program: Command, io: CliIo, setExitCode: (c: number) => void) =>
    registerKeychainCommand(program, io, setExitCode, {
      keytar: () => keytar,
      readStdin: async () => extra.stdin ?? '',
      ...(extra.refs ? { findReferences: async () => extra.refs! } : {}),
    });
}

test('entryFromArg: a reference, or an account under --service (default mcp-secure)', () => {
  assert.deepEqual(entryFromArg('keyring://svc/github/TOKEN', undefined), { service: 'svc', account: 'github/TOKEN' });
  assert.deepEqual(entryFromArg('github/TOKEN', undefined), { service: 'mcp-secure', account: 'github/TOKEN' });
  assert.deepEqual(entryFromArg('github/TOKEN', 'other'), { service: 'other', account: 'github/TOKEN' });
  assert.equal(entryFromArg('keyring://bad', undefined), undefined);
});

test('keychain list: accounts and references only, text and json', async () => {
  const k = new MemoryKeytar();
  await k.setPassword('mcp-secure', 'github/GITHUB_TOKEN', SECRET);
  await k.setPassword('mcp-secure', 'brave/BRAVE_API_KEY', SECRET);
  await k.setPassword('elsewhere', 'x/Y', SECRET);
  const text = await cli(['keychain', 'list'], keychainSetup(k));
  assert.equal(text.code, 0);
  assert.equal(text.stdout, 'brave/BRAVE_API_KEY  keyring://mcp-secure/brave/BRAVE_API_KEY\ngithub/GITHUB_TOKEN  keyring://mcp-secure/github/GITHUB_TOKEN\n');
  const json = await cli(['keychain', 'list', '--service', 'elsewhere', '--format', 'json'], keychainSetup(k));
  assert.deepEqual(JSON.parse(json.stdout), { service: 'elsewhere', entries: [{ service: 'elsewhere', account: 'x/Y', reference: 'keyring://elsewhere/x/Y' }] });
  for (const r of [text, json]) assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET));
  const empty = await cli(['keychain', 'list', '--service', 'none'], keychainSetup(k));
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, '');
});

test('keychain get: redacted without --reveal, the bare value with it; 1 when missing', async () => {
  const k = new MemoryKeytar();
  await k.setPassword('mcp-secure', 'github/GITHUB_TOKEN', SECRET);
  const plain = await cli(['keychain', 'get', 'github/GITHUB_TOKEN'], keychainSetup(k));
  assert.equal(plain.code, 0);
  assert.equal(plain.stdout, 'keyring://mcp-secure/github/GITHUB_TOKEN: stored (sk-c…fXYZ). Use --reveal to print the value.\n');
  assert.doesNotMatch(plain.stdout + plain.stderr, new RegExp(SECRET));
  const revealed = await cli(['keychain', 'get', 'keyring://mcp-secure/github/GITHUB_TOKEN', '--reveal'], keychainSetup(k));
  assert.equal(revealed.code, 0);
  assert.equal(revealed.stdout, SECRET);
  assert.equal(revealed.stderr, '');
  const missing = await cli(['keychain', 'get', 'nope/NOPE'], keychainSetup(k));
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /keyring:\/\/mcp-secure\/nope\/NOPE is not stored/);
});

test('keychain set reads the value from stdin and prints the reference', async () => {
  const k = new MemoryKeytar();
  const r = await cli(['keychain', 'set', 'keyring://svc/srv/KEY'], keychainSetup(k, { stdin: `${SECRET}\n` }));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'keyring://svc/srv/KEY\n');
  assert.equal(await k.getPassword('svc', 'srv/KEY'), SECRET);
  const empty = await cli(['keychain', 'set', 'srv/KEY'], keychainSetup(k, { stdin: '' }));
  assert.equal(empty.code, 2);
});

test('keychain delete: needs --yes; 1 when missing; refuses while referenced unless --force', async () => {
  const k = new MemoryKeytar();
  await k.setPassword('mcp-secure', 'a/B', SECRET);
  const unconfirmed = await cli(['keychain', 'delete', 'a/B'], keychainSetup(k));
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.stderr, /Re-run with --yes/);
  assert.equal(await k.getPassword('mcp-secure', 'a/B'), SECRET);
  const referenced = await cli(['keychain', 'delete', 'a/B', '--yes'], keychainSetup(k, { refs: ['/home/me/.cursor/mcp.json'] }));
  assert.equal(referenced.code, 2);
  assert.match(referenced.stderr, /still referenced by \/home\/me\/\.cursor\/mcp\.json/);
  const forced = await cli(['keychain', 'delete', 'a/B', '--yes', '--force'], keychainSetup(k, { refs: ['/x'] }));
  assert.equal(forced.code, 0);
  assert.equal(forced.stdout, 'deleted keyring://mcp-secure/a/B\n');
  assert.match(forced.stderr, /will fail to start/);
  const again = await cli(['keychain', 'delete', 'a/B', '--yes'], keychainSetup(k));
  assert.equal(again.code, 1);
});

test('keychain errors exit 2 with cause and fix on stderr', async () => {
  const k = new MemoryKeytar();
  k.failWith = 'Cannot create an item in a locked collection';
  for (const argv of [['keychain', 'list'], ['keychain', 'get', 'a/B'], ['keychain', 'delete', 'a/B', '--yes']]) {
    const r = await cli(argv, keychainSetup(k));
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, /^mcp-secure keychain: The OS keychain is locked\. Unlock/);
  }
  const bad = await cli(['keychain', 'get', 'keyring://no-account'], keychainSetup(k));
  assert.equal(bad.code, 2);
});

test('the installed launcher entry: `-- cmd`, `run -- cmd` and `run run -- cmd` all run cmd; help goes to stderr, never stdout', async () => {
  for (const prefix of [['--'], ['run', '--'], ['run', 'run', '--']]) {
    let stdout = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: process.cwd(), env: { PATH: process.env.PATH } };
    assert.equal(await runLauncherCli([...prefix, process.execPath, '-e', 'process.exit(3)'], io), 3, prefix.join(' '));
    assert.equal(stdout, '');
  }
  let stdout = '';
  let stderr = '';
  const code = await runLauncherCli(['--help'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env: {} });
  assert.equal(code, 0);
  assert.equal(stdout, '');
  assert.match(stderr, /Usage: mcp-secure-run/);
});
