// The principal matrix against servers built on MCP SDK v2 (@modelcontextprotocol/server 2.4 +
// @modelcontextprotocol/node): test/fixtures/matrix/v2-server.mjs over stdio and Streamable
// HTTP, serving 2026-07-28 and 2025 (the v2 default) or 2026-07-28 only, in its correct mode and
// each broken mode. Also: the harness's 2026-07-28 wire (server/discover, no initialize, no
// session, Mcp-Method / Mcp-Name headers the server cross-checks), the Mcp-Method / Mcp-Name
// headers on the SDK v1 client's requests to a 2025 server, the fallback signal for a server
// that refuses initialize, and the CLI. Every server binds 127.0.0.1; every process (the
// revision probe's included) is checked gone afterwards.
//
// Alone: node --import tsx --test test/integration/matrix-v2.integration.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/client';
import { loadMatrixFile } from '../../src/core/matrix/load';
import { runMatrix, type RunMatrixOptions } from '../../src/core/matrix/run';
import { probeServerTools } from '../../src/core/matrix/probe';
import { matrixToJson } from '../../src/core/matrix/report';
import { startIssuer } from '../../src/core/matrix/issuer';
import { freePort, ManagedProcess, ProcessStdioTransport, waitForPort } from '../../src/core/matrix/proc';
import { addStandardHeaders, encodeHeaderValue, isUnsupportedRevision } from '../../src/core/matrix/protocol';
import type { MatrixConfig, MatrixResult } from '../../src/core/matrix/types';
import { processesWith } from './lib/processes';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'matrix');
const CHECKED = ['read_doc', 'write_doc', 'admin_purge', 'echo'];

type T = 'stdio' | 'http';
/** 'both': 2026-07-28 and 2025 (the SDK v2 default); 'modern': 2026-07-28 only (legacy: 'reject'). */
type Eras = 'both' | 'modern';

function config(file: string, server: string, transport: T, marker: string): MatrixConfig {
  const { config: c, problems } = loadMatrixFile(join(fixtures, file));
  assert.ok(c, JSON.stringify(problems));
  c.server.transport = transport;
  c.server.args = [server, transport, `--marker=${marker}`];
  if (transport === 'http') c.server.url = 'http://127.0.0.1:${port}/mcp';
  return c;
}

async function runV2(transport: T, mode: string, eras: Eras, opts: Partial<RunMatrixOptions> & { edit?: (c: MatrixConfig) => void } = {}, env: NodeJS.ProcessEnv = {}): Promise<{ r: MatrixResult; output: string[] }> {
  const marker = randomUUID();
  const output: string[] = [];
  try {
    const c = config('v2-matrix.json', 'v2-server.mjs', transport, marker);
    opts.edit?.(c);
    const r = await runMatrix(c, {
      cwd: fixtures,
      env: { ...process.env, MATRIX_MODE: mode, MATRIX_LEGACY: eras === 'modern' ? 'reject' : '', MATRIX_TRACE: '1', ...env },
      onEvent: (e) => e.type === 'output' && output.push(e.text),
      ...opts,
    });
    return { r, output };
  } finally {
    assert.deepEqual(processesWith(marker), [], 'every server process (the probe included) is gone after the run');
  }
}

const failing = (r: MatrixResult) => r.cells.filter((c) => !c.pass).map((c) => `${c.principal}/${c.tool}`).sort();
const cell = (r: MatrixResult, principal: string, tool: string) => {
  const c = r.cells.find((x) => x.principal === principal && x.tool === tool);
  assert.ok(c, `${principal}/${tool}`);
  return c!;
};
const row = (principal: string, tools = CHECKED) => tools.map((t) => `${principal}/${t}`);

for (const transport of ['stdio', 'http'] as const) {
  for (const eras of ['both', 'modern'] as const) {
    test(`SDK v2 ${transport} (${eras === 'both' ? '2026-07-28 + 2025' : '2026-07-28 only'}): correct server → every cell as expected over 2026-07-28, each denial shape recognised`, async () => {
      const { r, output } = await runV2(transport, 'correct', eras);
      assert.deepEqual(failing(r), []);
      assert.equal(r.summary.total, 9 * 5);
      assert.deepEqual(r.tools, ['ping', 'read_doc', 'write_doc', 'admin_purge', 'echo']);
      assert.ok(r.notes.some((n) => /speaks MCP 2026-07-28/.test(n)), r.notes.join('; '));
      // Denial shapes: isError text, a thrown error (isError in v2), a tool the factory did not register.
      assert.match(cell(r, 'reader', 'write_doc').detail, /^isError: insufficient_scope: docs:write required/);
      assert.match(cell(r, 'reader', 'admin_purge').detail, /^unknown on call \(tool hidden from tools\/list\)/);
      assert.match(cell(r, 'anonymous', 'read_doc').detail, /^isError: Forbidden: missing scope docs:read/);
      assert.equal(cell(r, 'admin', 'admin_purge').actual, 'allow');
      if (transport === 'http') assert.match(cell(r, 'expired', 'read_doc').detail, /^refused at server\/discover: HTTP 401; WWW-Authenticate: Bearer error="invalid_token"/);
      else assert.match(cell(r, 'expired', 'read_doc').detail, /server refused to start for this principal \(exit code 1\): invalid token/);
      const echo = cell(r, 'writer', 'echo');
      assert.equal(echo.expected, 'none');
      assert.equal(echo.actual, 'allow');
      assert.equal(cell(r, 'anonymous', 'ping').actual, 'allow');
      // The wire: every served instance was a 2026-07-28 one; no initialize, no session.
      const log = output.join('');
      assert.match(log, /factory era=modern/);
      assert.doesNotMatch(log, /factory era=legacy/);
      if (transport === 'http') {
        assert.match(log, /request POST mcp-method=server\/discover mcp-name=- protocol=2026-07-28 session=-/);
        assert.match(log, /request POST mcp-method=tools\/call mcp-name=read_doc protocol=2026-07-28 session=-/);
        assert.doesNotMatch(log, /mcp-method=initialize/);
        assert.doesNotMatch(log, /session=(?!-)/);
      }
      assert.ok(!/eyJ[A-Za-z0-9_-]{8,}/.test(JSON.stringify(matrixToJson(r))), 'no JWT in the report');
    });
  }

  const broken: Array<[string, string[]]> = [
    ['accept-expired', row('expired')],
    ['skip-audience', row('wrong-audience')],
    ['unchecked-tool', ['anonymous/write_doc', 'reader/write_doc']],
    ['fail-open', row('anonymous')],
  ];
  for (const [mode, expected] of broken) {
    test(`SDK v2 ${transport}: broken mode ${mode} → exactly the cells it should break are flagged`, async () => {
      // stdio: the 2026-07-28-only server; HTTP: the default (both revisions), where the harness still picks 2026-07-28.
      const { r } = await runV2(transport, mode, transport === 'stdio' ? 'modern' : 'both');
      assert.deepEqual(failing(r), [...expected].sort());
      for (const c of r.cells.filter((x) => !x.pass)) {
        assert.equal(c.actual, 'allow', `${c.principal}/${c.tool}: ${c.detail}`);
        assert.match(c.detail, /\[expected deny: /);
      }
    });
  }
}

for (const transport of ['stdio', 'http'] as const) {
  test(`SDK v2 ${transport} over 2026-07-28, robustness: a crash is an error cell and the server restarts, a hang times out`, async () => {
    const { r } = await runV2(transport, 'correct', 'modern', {
      concurrency: 1,
      callTimeoutMs: 2000,
      edit: (c) => {
        for (const t of ['crash_now', 'hang']) c.tools![t] = { allow: ['admin'] };
      },
    }, { MATRIX_EXTRAS: '1' });
    const crash = cell(r, 'admin', 'crash_now');
    assert.equal(crash.actual, 'error', crash.detail);
    assert.match(crash.detail, /server crashed: .*exit code 3/);
    const hang = cell(r, 'admin', 'hang');
    assert.equal(hang.actual, 'timeout', hang.detail);
    assert.match(hang.detail, /no response within 2000 ms/);
    // Restarted: the tools after the crash and the hang still answer, the rest of the matrix holds.
    assert.equal(cell(r, 'admin', 'echo').actual, 'allow');
    assert.ok(r.notes.some((n) => /restarted/.test(n)), r.notes.join('; '));
    assert.deepEqual(failing(r).filter((f) => !/crash_now|hang/.test(f)), []);
  });
}

test('SDK v1 server over HTTP: still the 2025 path (no revision note), and the v1 client now sends Mcp-Method / Mcp-Name', async () => {
  const marker = randomUUID();
  const output: string[] = [];
  try {
    const r = await runMatrix(config('docs-matrix.json', 'docs-server.mjs', 'http', marker), {
      cwd: fixtures,
      env: { ...process.env, MATRIX_MODE: 'correct', MATRIX_TRACE: '1' },
      onEvent: (e) => e.type === 'output' && output.push(e.text),
    });
    assert.deepEqual(failing(r), []);
    assert.ok(!r.notes.some((n) => /2026-07-28/.test(n)), r.notes.join('; '));
    const log = output.join('');
    assert.match(log, /mcp-method=server\/discover/, 'the revision probe asked first');
    assert.match(log, /request POST mcp-method=initialize mcp-name=-/);
    assert.match(log, /request POST mcp-method=tools\/list mcp-name=-/);
    assert.match(log, /request POST mcp-method=tools\/call mcp-name=write_doc/);
  } finally {
    assert.deepEqual(processesWith(marker), []);
  }
});

test('SDK v1 stdio server that never answers server/discover: the revision probe gives up within its budget and the 2025 path runs', async () => {
  const marker = randomUUID();
  try {
    const c = config('docs-matrix.json', 'docs-server.mjs', 'stdio', marker);
    c.server.startupTimeoutMs = 2000;
    const t0 = Date.now();
    const r = await runMatrix(c, { cwd: fixtures, env: { ...process.env, MATRIX_MODE: 'correct', MATRIX_IGNORE_DISCOVER: '1' } });
    assert.deepEqual(failing(r), []);
    assert.equal(r.summary.total, 45);
    assert.ok(!r.notes.some((n) => /2026-07-28/.test(n)), r.notes.join('; '));
    assert.ok(Date.now() - t0 < 2000 + 15_000, `took ${Date.now() - t0} ms`);
  } finally {
    assert.deepEqual(processesWith(marker), []);
  }
});

test('the 2026-07-28 server cross-checks Mcp-Name (-32020), refuses a 2025 initialize with -32022, and the harness reads that refusal as "use 2026-07-28"', async () => {
  const issuer = await startIssuer();
  const port = await freePort();
  const marker = randomUUID();
  const env = { ...process.env, PORT: String(port), OAUTH_ISSUER: issuer.issuer, OAUTH_JWKS_URL: issuer.jwksUri, OAUTH_AUDIENCE: 'mcp-secure-test', MATRIX_LEGACY: 'reject' };
  const http = new ManagedProcess({ command: process.execPath, args: ['v2-server.mjs', 'http', `--marker=${marker}`], cwd: fixtures, env });
  const stdio = new ManagedProcess({ command: process.execPath, args: ['v2-server.mjs', 'stdio', `--marker=${marker}`], cwd: fixtures, env });
  try {
    await waitForPort(port, 15_000, http);
    const url = `http://127.0.0.1:${port}/mcp`;
    const call = (nameHeader: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': nameHeader },
        body: JSON.stringify({
          jsonrpc: '2.0', id: 1, method: 'tools/call',
          params: { name: 'ping', arguments: {}, _meta: { [PROTOCOL_VERSION_META_KEY]: '2026-07-28', [CLIENT_INFO_META_KEY]: { name: 't', version: '1' }, [CLIENT_CAPABILITIES_META_KEY]: {} } },
        }),
      });
    const ok = await call('ping');
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /pong/);
    const mismatch = await call('read_doc');
    assert.equal(mismatch.status, 400);
    assert.equal(((await mismatch.json()) as { error: { code: number } }).error.code, -32020);

    // SDK v1 initialize against a 2026-07-28-only server, over HTTP and stdio.
    const v1http = new Client({ name: 't', version: '1' });
    const httpErr = await v1http.connect(new StreamableHTTPClientTransport(new URL(url)), { timeout: 10_000 }).then(() => undefined, (e: unknown) => e);
    assert.ok(httpErr, 'initialize refused over HTTP');
    assert.ok(isUnsupportedRevision(httpErr), String(httpErr));
    await v1http.close().catch(() => undefined);
    const v1stdio = new Client({ name: 't', version: '1' });
    const stdioErr = await v1stdio.connect(new ProcessStdioTransport(stdio), { timeout: 10_000 }).then(() => undefined, (e: unknown) => e);
    assert.ok(stdioErr, 'initialize refused over stdio');
    assert.ok(isUnsupportedRevision(stdioErr), String(stdioErr));
    await v1stdio.close().catch(() => undefined);
    assert.equal(isUnsupportedRevision(new Error('HTTP 401: invalid_token')), false);
  } finally {
    await http.stop();
    await stdio.stop();
    await issuer.close();
    assert.deepEqual(processesWith(marker), []);
  }
});

test('standard headers for SDK v1 requests: Mcp-Method from the body, Mcp-Name from params.name / uri (Base64 sentinel when not plain ASCII), never overwritten', () => {
  const h = (body: unknown, preset: Record<string, string> = {}) => {
    const headers = new Headers(preset);
    addStandardHeaders(headers, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    return Object.fromEntries(headers);
  };
  assert.deepEqual(h({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_doc' } }), { 'mcp-method': 'tools/call', 'mcp-name': 'read_doc' });
  assert.deepEqual(h({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///a b' } }), { 'mcp-method': 'resources/read', 'mcp-name': 'file:///a b' });
  assert.deepEqual(h({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }), { 'mcp-method': 'tools/list' });
  assert.deepEqual(h({ jsonrpc: '2.0', method: 'notifications/initialized' }), { 'mcp-method': 'notifications/initialized' });
  assert.deepEqual(h([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]), {}, 'batch: left alone');
  assert.deepEqual(h('not json'), {});
  assert.deepEqual(h({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }, { 'mcp-method': 'tools/call', 'mcp-name': 'x' }), { 'mcp-method': 'tools/call', 'mcp-name': 'x' });
  assert.equal(encodeHeaderValue('héllo'), `=?base64?${Buffer.from('héllo').toString('base64')}?=`);
  assert.equal(encodeHeaderValue(' padded'), `=?base64?${Buffer.from(' padded').toString('base64')}?=`);
  assert.equal(encodeHeaderValue('read_doc'), 'read_doc');
  const get = new Headers();
  addStandardHeaders(get, { method: 'GET' });
  assert.deepEqual(Object.fromEntries(get), {});
});

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'cli-entry.ts'), 'matrix', ...args], { cwd: fixtures, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('CLI on the SDK v2 server (2026-07-28 only, stdio): --format json exit 0; skip-audience exit 1 with the 4 wrong-audience cells', async () => {
  const ok = await cli(['--config', 'v2-matrix.json', '--format', 'json'], { MATRIX_MODE: 'correct', MATRIX_LEGACY: 'reject' });
  assert.equal(ok.code, 0, ok.stderr);
  const json = JSON.parse(ok.stdout) as { summary: { total: number; failed: number } };
  assert.equal(json.summary.total, 45);
  assert.equal(json.summary.failed, 0);
  const bad = await cli(['--config', 'v2-matrix.json', '--format', 'text'], { MATRIX_MODE: 'skip-audience', MATRIX_LEGACY: 'reject' });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /Mismatches \(4\):/);
  assert.match(bad.stdout, /wrong-audience × read_doc: expected deny, got allow/);
  assert.match(bad.stdout, /speaks MCP 2026-07-28/);
});

test('Create Principal Matrix\'s probe lists the tools of a 2026-07-28-only server (stdio and HTTP) and leaves no process', async () => {
  for (const transport of ['stdio', 'http'] as const) {
    const marker = randomUUID();
    try {
      const c = config('v2-matrix.json', 'v2-server.mjs', transport, marker);
      const probed = await probeServerTools(c.server, {
        cwd: fixtures,
        principal: c.principals.admin,
        env: { ...process.env, MATRIX_MODE: 'correct', MATRIX_LEGACY: 'reject' },
        handleSignals: false,
      });
      assert.deepEqual(probed.tools.map((t) => t.name).sort(), ['admin_purge', 'echo', 'ping', 'read_doc', 'write_doc'], transport); // echo: not named by the matrix file
    } finally {
      assert.deepEqual(processesWith(marker), [], `the probe stopped every ${transport} server process`);
    }
  }
});
