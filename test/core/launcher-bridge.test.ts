// The stdio ↔ Streamable HTTP bridge, in process: JSON-RPC lines in on a fake stdin, out on a
// fake stdout, a real MCP server over HTTP on 127.0.0.1 that requires a bearer token, and a
// fake keychain holding that token. Checks forwarding both ways, session handling, JSON-RPC
// errors for a refused or unreachable remote, and that no header value is ever printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { parseHeaderArg, runBridge, BRIDGE_ERROR_CODE } from '../../src/core/launcher/bridge';
import type { SignalSource } from '../../src/core/launcher/child';
import type { SecretReader } from '../../src/core/launcher/references';

const TOKEN = 'mcp-bridge-test-token-0123456789abcdefABCDEF';
const WRONG = 'mcp-bridge-wrong-token-9876543210zyxwvuZYXWVU';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

interface AuthServer {
  url: string;
  stats: { requests: number; unauthorized: number; deletes: number };
  close(): Promise<void>;
}
async function startAuthServer(tokenSha256: string): Promise<AuthServer> {
  const modulePath = join(__dirname, '..', 'fixtures', 'servers', 'http-auth-server.mjs');
  const mod = (await import(modulePath)) as { startAuthServer(o: { tokenSha256: string }): Promise<AuthServer> };
  return mod.startAuthServer({ tokenSha256 });
}

const reader =
  (entries: Record<string, string>): SecretReader =>
  async (account, service) =>
    entries[`${service}/${account}`] ?? null;

/** A client side: write requests, await responses by id. */
function clientPipes() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const messages: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  let buffer = '';
  const waiters: Array<() => void> = [];
  stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      raw.push(line);
      messages.push(JSON.parse(line) as Record<string, unknown>);
      for (const w of waiters.splice(0)) w();
    }
  });
  const send = (message: object) => stdin.write(JSON.stringify(message) + '\n');
  const response = async (id: number, timeoutMs = 10_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find((m) => m.id === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no response to ${id}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return { stdin, stdout, send, response, raw };
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bridge-test', version: '1' } } };

test('parseHeaderArg', () => {
  assert.deepEqual(parseHeaderArg('Authorization: Bearer keyring://s/a'), { name: 'Authorization', value: 'Bearer keyring://s/a' });
  assert.deepEqual(parseHeaderArg('X-Key:v:w'), { name: 'X-Key', value: 'v:w' });
  assert.equal(parseHeaderArg('no colon'), undefined);
  assert.equal(parseHeaderArg(': v'), undefined);
  assert.equal(parseHeaderArg('Bad Name: v'), undefined);
});

test('the bridge forwards initialize, tools/list and tools/call with the keychain token, and ends the session when stdin closes', async () => {
  const server = await startAuthServer(sha(TOKEN));
  const c = clientPipes();
  const lines: string[] = [];
  try {
    const done = runBridge({
      url: server.url,
      headers: [{ name: 'Authorization', value: 'Bearer keyring://svc/remote/TOKEN' }],
      stderr: (l) => lines.push(l),
      openKeychain: () => reader({ 'svc/remote/TOKEN': TOKEN }),
      stdin: c.stdin,
      stdout: c.stdout,
      signals: new EventEmitter() as unknown as SignalSource,
    });
    c.send(INIT);
    const init = await c.response(1);
    assert.equal((init.result as { serverInfo: { name: string } }).serverInfo.name, 'auth-http');
    c.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    c.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const list = await c.response(2);
    assert.deepEqual((list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name).sort(), ['add', 'whoami']);
    c.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 3 } } });
    const call = await c.response(3);
    assert.deepEqual((call.result as { content: unknown[] }).content, [{ type: 'text', text: '5' }]);
    c.stdin.end();
    assert.equal(await done, 0);
    assert.equal(server.stats.deletes, 1, 'the session is terminated with DELETE');
    assert.deepEqual(lines, []);
    assert.ok(c.raw.every((l) => JSON.parse(l).jsonrpc === '2.0'));
  } finally {
    c.stdin.destroy();
    await server.close();
  }
});

test('a refused token: the client gets a JSON-RPC error, stderr says HTTP 401; the token appears nowhere', async () => {
  const server = await startAuthServer(sha(TOKEN));
  const c = clientPipes();
  const lines: string[] = [];
  try {
    const done = runBridge({
      url: server.url,
      headers: [{ name: 'Authorization', value: 'Bearer keyring://svc/remote/TOKEN' }],
      stderr: (l) => lines.push(l),
      openKeychain: () => reader({ 'svc/remote/TOKEN': WRONG }),
      stdin: c.stdin,
      stdout: c.stdout,
      signals: new EventEmitter() as unknown as SignalSource,
    });
    c.send(INIT);
    const init = await c.response(1);
    const error = init.error as { code: number; message: string };
    assert.equal(error.code, BRIDGE_ERROR_CODE);
    assert.match(error.message, /refused the request \(HTTP 401\)/);
    assert.ok(lines.some((l) => /^mcp-secure run: the remote server at http:\/\/127\.0\.0\.1:\d+\/mcp refused the request \(HTTP 401\)/.test(l)), lines.join('\n'));
    assert.ok(server.stats.unauthorized >= 1);
    c.stdin.end();
    assert.equal(await done, 0);
    assert.doesNotMatch(lines.join('\n') + c.raw.join('\n'), new RegExp(WRONG));
  } finally {
    c.stdin.destroy();
    await server.close();
  }
});

test('a literal header value is never printed either, and an unreachable remote is named', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const c = clientPipes();
  const lines: string[] = [];
  try {
    const done = runBridge({
      url: `http://127.0.0.1:${port}/mcp`,
      headers: [{ name: 'X-Api-Key', value: WRONG }],
      stderr: (l) => lines.push(l),
      openKeychain: () => {
        throw new Error('not needed');
      },
      stdin: c.stdin,
      stdout: c.stdout,
      signals: new EventEmitter() as unknown as SignalSource,
    });
    c.send(INIT);
    const init = await c.response(1);
    assert.match((init.error as { message: string }).message, /cannot reach http:\/\/127\.0\.0\.1:\d+\/mcp: ECONNREFUSED/);
    c.stdin.end();
    assert.equal(await done, 0);
    assert.doesNotMatch(lines.join('\n') + c.raw.join('\n'), new RegExp(WRONG));
  } finally {
    c.stdin.destroy();
  }
});

test('fail closed: a missing header entry → 78 before anything is read; a reference URL that is missing too', async () => {
  const c = clientPipes();
  const lines: string[] = [];
  const code = await runBridge({
    url: 'keyring://svc/remote/URL',
    headers: [{ name: 'Authorization', value: 'Bearer keyring://svc/remote/TOKEN' }],
    stderr: (l) => lines.push(l),
    openKeychain: () => reader({}),
    stdin: c.stdin,
    stdout: c.stdout,
    signals: new EventEmitter() as unknown as SignalSource,
  });
  assert.equal(code, 78);
  assert.deepEqual(c.raw, []);
  assert.match(lines.join('\n'), /the bridge URL refers to keyring:\/\/svc\/remote\/URL, which is not in the OS keychain/);
  assert.match(lines.join('\n'), /header Authorization refers to keyring:\/\/svc\/remote\/TOKEN/);
  assert.match(lines.at(-1)!, /not starting the bridge/);
});

test('a URL that is not http(s), or a header with a line break, is a usage error (2)', async () => {
  const c = clientPipes();
  const common = { stderr: () => undefined, openKeychain: () => reader({}), stdin: c.stdin, stdout: c.stdout, signals: new EventEmitter() as unknown as SignalSource };
  assert.equal(await runBridge({ ...common, url: 'file:///etc/passwd', headers: [] }), 2);
  assert.equal(await runBridge({ ...common, url: 'http://127.0.0.1:1/mcp', headers: [{ name: 'A', value: 'x\r\nB: y' }] }), 2);
});
