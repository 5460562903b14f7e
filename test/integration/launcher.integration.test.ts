// The launcher end to end: a bundle built from src/cli/launcher.ts (as dist/launcher.js is),
// the REAL Secret Service (gnome-keyring in the private D-Bus session `npm test` starts), real
// MCP servers (test/fixtures/servers) and the SDK's Client over stdio, as an MCP client would
// run it. Secrets are checked by hash inside the server, so no test output ever holds one.
//
// Alone: XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo -n x | gnome-keyring-daemon
//   --unlock --components=secrets >/dev/null && MCP_SECURE_TEST_KEYRING=1 node --import tsx
//   --test test/integration/launcher.integration.test.ts'
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Keychain, loadKeytar } from '../../src/core/keychain/keychain';
import { installLauncher } from '../../src/core/launcher/install';
import type { DiscoveryEnv } from '../../src/core/discovery/clients';

const root = join(__dirname, '..', '..');
const inKeyring = process.env.MCP_SECURE_TEST_KEYRING === '1';
const needsKeyring = !inKeyring && 'needs the test keyring (run through npm test)';
const service = `mcp-secure-launcher-test-${process.pid}`;
const SECRET = `ghp_launcherIntegration${process.pid}SecretValue0123456789`;
const TOKEN = `remote-bearer-token-${process.pid}-abcdefghijklmnop`;
const WRONG = `wrong-bearer-token-${process.pid}-zyxwvutsrqponmlk`;
const echoServer = join(root, 'test', 'fixtures', 'servers', 'echo-env-server.mjs');
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

let work = '';
let bundleDir = '';
let bundle = '';

/** Builds the launcher the way scripts/build.mjs does, into a temp folder with keytar beside it. */
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mcps-launcher-it-'));
  bundleDir = join(work, 'dist');
  bundle = join(bundleDir, 'launcher.js');
  await esbuild.build({
    entryPoints: [join(root, 'src', 'cli', 'launcher.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: ['vscode', 'keytar'],
    logLevel: 'warning',
    define: { __MCP_SECURE_VERSION__: JSON.stringify('0.0.0-test') },
  });
  const keytarDir = dirname(require.resolve('keytar/package.json'));
  const out = join(bundleDir, 'node_modules', 'keytar');
  mkdirSync(join(out, 'build', 'Release'), { recursive: true });
  cpSync(join(keytarDir, 'package.json'), join(out, 'package.json'));
  cpSync(join(keytarDir, 'lib'), join(out, 'lib'), { recursive: true });
  cpSync(join(keytarDir, 'build', 'Release', 'keytar.node'), join(out, 'build', 'Release', 'keytar.node'));
});

after(async () => {
  if (inKeyring) {
    const keychain = new Keychain(loadKeytar(), { service });
    for (const entry of await keychain.list().catch(() => [])) await keychain.delete(entry.account).catch(() => false);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

function killQuietly(pid: number | undefined | null, group = false): void {
  if (!pid) return;
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Kills the server a test started (it records its pid in STARTED_MARKER). */
function killMarked(marker: string): void {
  if (existsSync(marker)) killQuietly(Number(readFileSync(marker, 'utf8')));
}

async function store(account: string, value: string): Promise<string> {
  return (await new Keychain(loadKeytar(), { service }).setVerified(account, value)).reference;
}

interface Connected {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  errors: Error[];
}

async function connect(command: string, args: string[], env: Record<string, string>): Promise<Connected> {
  const transport = new StdioClientTransport({ command, args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const errors: Error[] = [];
  const client = new Client({ name: 'launcher-test', version: '1.0.0' });
  client.onerror = (error) => errors.push(error);
  try {
    await client.connect(transport);
  } catch (error) {
    // Let stderr drain before reporting.
    await new Promise((r) => setTimeout(r, 200));
    killQuietly(transport.pid);
    throw Object.assign(error as Error, { stderr });
  }
  return { client, transport, stderr: () => stderr, errors };
}

async function toolJson(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as { content: Array<{ type: string; text: string }>; isError?: boolean };
  assert.ok(!result.isError, JSON.stringify(result));
  return JSON.parse(result.content[0]!.text) as Record<string, unknown>;
}

test('run -- node server: the server gets the keychain value in its env (and the --flag= argument); stdout carries only JSON-RPC', { skip: needsKeyring }, async () => {
  const ref = await store('echo/X', SECRET);
  const marker = join(work, 'started-1');
  const c = await connect(process.execPath, [bundle, 'run', '--', process.execPath, echoServer, `--token=${ref}`], {
    ...(process.env as Record<string, string>),
    X: ref,
    NOT_A_REF: 'plain',
    STARTED_MARKER: marker,
  });
  try {
    assert.deepEqual(await toolJson(c.client, 'check_env', { name: 'X', sha256: sha(SECRET) }), { present: true, matches: true });
    assert.deepEqual(await toolJson(c.client, 'check_env', { name: 'NOT_A_REF', sha256: sha('plain') }), { present: true, matches: true });
    assert.deepEqual(await toolJson(c.client, 'check_arg', { index: 0, sha256: sha(`--token=${SECRET}`) }), { present: true, matches: true });
    assert.deepEqual(await toolJson(c.client, 'env_has', { name: 'MCP_SECURE_RUN_AS_NODE' }), { present: false });
    assert.deepEqual(c.errors, [], 'every stdout line parsed as JSON-RPC');
    assert.equal(c.stderr(), '');
  } finally {
    await c.client.close();
    killQuietly(c.transport.pid);
    killMarked(marker);
  }
});

test('stdout purity, byte for byte: initialize + tools/list through the launcher, then EOF ends it with exit 0', { skip: needsKeyring }, async () => {
  const ref = await store('echo/RAW', SECRET);
  const marker = join(work, 'started-raw');
  const child = spawn(process.execPath, [bundle, 'run', '--', process.execPath, echoServer], {
    env: { ...process.env, RAW: ref, STARTED_MARKER: marker },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const write = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
    write({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    for (let i = 0; i < 200 && !stdout.includes('"id":1'); i++) await new Promise((r) => setTimeout(r, 25));
    write({ jsonrpc: '2.0', method: 'notifications/initialized' });
    write({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    for (let i = 0; i < 200 && !stdout.includes('"id":2'); i++) await new Promise((r) => setTimeout(r, 25));
    child.stdin.end();
    assert.equal(await exited, 0, stderr);
    const lines = stdout.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 2, stdout.slice(0, 500));
    for (const line of lines) assert.equal((JSON.parse(line) as { jsonrpc: string }).jsonrpc, '2.0');
    assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET));
  } finally {
    killQuietly(child.pid, true);
    killMarked(marker);
  }
});

test('a missing keychain entry: exit 78, the reference named on stderr, nothing on stdout, the server never starts', { skip: needsKeyring }, () => {
  const marker = join(work, 'started-missing');
  const ref = `keyring://${service}/echo/NOT_STORED`;
  const run = spawnSync(process.execPath, [bundle, 'run', '--', process.execPath, echoServer], {
    env: { ...process.env, GITHUB_TOKEN: ref, STARTED_MARKER: marker },
    input: '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.status, 78, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`^mcp-secure run: GITHUB_TOKEN refers to ${ref.replace(/[/.]/g, '\\$&')}, which is not in the OS keychain`, 'm'));
  assert.match(run.stderr, /mcp-secure keychain list --service/);
  assert.equal(existsSync(marker), false);
});

test('the launcher forwards SIGTERM to the server and exits with its code', async () => {
  const ready = join(work, 'ready-signal');
  const script = `process.on('SIGTERM', () => process.exit(42)); require('fs').writeFileSync(${JSON.stringify(ready)}, String(process.pid)); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, [bundle, '--', process.execPath, '-e', script], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  try {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(existsSync(ready), 'server started');
    process.kill(child.pid!, 'SIGTERM'); // the launcher only, not its group
    assert.equal(await exited, 42);
  } finally {
    killQuietly(child.pid, true);
    killMarked(ready);
  }
});

// ---------------------------------------------------------------------------------------------
// bridge

interface AuthServer {
  url: string;
  stats: { requests: number; unauthorized: number; deletes: number };
  close(): Promise<void>;
}
async function startAuthServer(tokenSha256: string): Promise<AuthServer> {
  const mod = (await import(join(root, 'test', 'fixtures', 'servers', 'http-auth-server.mjs'))) as { startAuthServer(o: { tokenSha256: string }): Promise<AuthServer> };
  return mod.startAuthServer({ tokenSha256 });
}

test('--bridge with "Authorization: Bearer keyring://…": list tools and call one on a token-protected HTTP server', { skip: needsKeyring }, async () => {
  const ref = await store('remote/TOKEN', TOKEN);
  const server = await startAuthServer(sha(TOKEN));
  let c: Connected | undefined;
  try {
    c = await connect(process.execPath, [bundle, 'run', '--bridge', server.url, '--header', `Authorization: Bearer ${ref}`], process.env as Record<string, string>);
    const tools = await c.client.listTools();
    assert.deepEqual(tools.tools.map((t) => t.name).sort(), ['add', 'whoami']);
    const result = (await c.client.callTool({ name: 'add', arguments: { a: 20, b: 22 } })) as { content: Array<{ text: string }> };
    assert.equal(result.content[0]!.text, '42');
    assert.equal(server.stats.unauthorized, 0);
    assert.deepEqual(c.errors, []);
    assert.equal(c.stderr(), '');
  } finally {
    if (c) {
      await c.client.close();
      killQuietly(c.transport.pid);
    }
    await server.close();
  }
});

test('--bridge with a wrong token: the client sees an error naming HTTP 401; the token is printed nowhere', { skip: needsKeyring }, async () => {
  const ref = await store('remote/WRONG', WRONG);
  const server = await startAuthServer(sha(TOKEN));
  try {
    const error = await connect(process.execPath, [bundle, 'run', '--bridge', server.url, '--header', `Authorization: Bearer ${ref}`], process.env as Record<string, string>).then(
      () => undefined,
      (e: Error & { stderr?: string }) => e,
    );
    assert.ok(error, 'connect must fail');
    assert.match(error.message, /HTTP 401/);
    assert.match(error.stderr ?? '', /^mcp-secure run: the remote server at http:\/\/127\.0\.0\.1:\d+\/mcp refused the request \(HTTP 401\)/m);
    assert.ok(!`${error.message}${error.stderr}`.includes(WRONG));
    assert.ok(server.stats.unauthorized >= 1);
  } finally {
    await server.close();
  }
});

test('--bridge with a missing entry: exit 78 before any request', { skip: needsKeyring }, async () => {
  const server = await startAuthServer(sha(TOKEN));
  try {
    const run = spawnSync(process.execPath, [bundle, 'run', '--bridge', server.url, '--header', `Authorization: Bearer keyring://${service}/remote/MISSING`], { input: '', encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 78, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /header Authorization refers to keyring:\/\/.*\/remote\/MISSING, which is not in the OS keychain/);
    assert.equal(server.stats.requests, 0);
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// the installed launcher

test('installLauncher into a temp home; a client starts the installed script by absolute path with a minimal environment', { skip: needsKeyring }, async () => {
  const ref = await store('installed/X', SECRET);
  const home = join(work, 'home');
  const denv: DiscoveryEnv = { platform: 'linux', home, env: { XDG_DATA_HOME: join(work, 'xdg') } };
  const installed = installLauncher(denv, { sourceDir: bundleDir, nodePath: process.execPath });
  assert.equal(installed.path, join(work, 'xdg', 'mcp-secure', 'bin', 'mcp-secure-run'));
  const marker = join(work, 'started-installed');
  // What a GUI client passes: no useful PATH; only the session bus the keychain needs.
  const env: Record<string, string> = { PATH: '/nonexistent', HOME: home, X: ref, STARTED_MARKER: marker };
  if (process.env.DBUS_SESSION_BUS_ADDRESS) env.DBUS_SESSION_BUS_ADDRESS = process.env.DBUS_SESSION_BUS_ADDRESS;
  const c = await connect(installed.path, ['--', 'node', echoServer], env);
  try {
    assert.deepEqual(await toolJson(c.client, 'check_env', { name: 'X', sha256: sha(SECRET) }), { present: true, matches: true });
    assert.deepEqual(c.errors, []);
    assert.equal(c.stderr(), '');
  } finally {
    await c.client.close();
    killQuietly(c.transport.pid);
    killMarked(marker);
  }
});
