// The principal matrix end to end with real MCP servers (SDK v1) over stdio, Streamable
// HTTP (and legacy HTTP+SSE): test/fixtures/matrix/docs-server.mjs in its correct mode and in each broken mode,
// the robustness cases (crash, hang, huge response, garbage on stdout, startup timeout),
// destructive-tool gating, the demo's notes-server, and the CLI's formats and exit codes.
// Every server binds 127.0.0.1; every process is checked gone afterwards.
//
// Alone: node --import tsx --test test/integration/matrix.integration.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMatrixFile } from '../../src/core/matrix/load';
import { runMatrix, type RunMatrixOptions } from '../../src/core/matrix/run';
import { matrixToJson } from '../../src/core/matrix/report';
import type { MatrixConfig, MatrixEvent, MatrixResult } from '../../src/core/matrix/types';
import { processesWith } from './lib/processes';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'matrix');
const CHECKED = ['read_doc', 'write_doc', 'admin_purge', 'echo'];

type T = 'stdio' | 'http' | 'sse';

function docsConfig(transport: T, marker: string, edit?: (c: MatrixConfig) => void): MatrixConfig {
  const { config, problems } = loadMatrixFile(join(fixtures, 'docs-matrix.json'));
  assert.ok(config, JSON.stringify(problems));
  config.server.transport = transport;
  config.server.args = ['docs-server.mjs', transport, `--marker=${marker}`];
  if (transport === 'http') config.server.url = 'http://127.0.0.1:${port}/mcp';
  if (transport === 'sse') config.server.url = 'http://127.0.0.1:${port}/sse';
  edit?.(config);
  return config;
}

async function runDocs(transport: T, mode: string, opts: Partial<RunMatrixOptions> & { extras?: boolean; edit?: (c: MatrixConfig) => void } = {}): Promise<MatrixResult> {
  const marker = randomUUID();
  try {
    return await runMatrix(docsConfig(transport, marker, opts.edit), {
      cwd: fixtures,
      env: { ...process.env, MATRIX_MODE: mode, MATRIX_EXTRAS: opts.extras ? '1' : '0' },
      ...opts,
    });
  } finally {
    assert.deepEqual(processesWith(marker), [], 'every server process is gone after the run');
  }
}

const failing = (r: MatrixResult) => r.cells.filter((c) => !c.pass).map((c) => `${c.principal}/${c.tool}`).sort();
const cell = (r: MatrixResult, principal: string, tool: string) => {
  const c = r.cells.find((x) => x.principal === principal && x.tool === tool);
  assert.ok(c, `${principal}/${tool}`);
  return c!;
};
const row = (principal: string, tools = CHECKED) => tools.map((t) => `${principal}/${t}`);

for (const transport of ['stdio', 'http', 'sse'] as const) {
  test(`${transport}: correct server → every cell as expected, each denial shape recognised, no token in any detail`, async () => {
    const events: MatrixEvent[] = [];
    const r = await runDocs(transport, 'correct', { onEvent: (e) => events.push(e) });
    assert.deepEqual(failing(r), []);
    assert.equal(r.summary.total, 9 * 5);
    assert.deepEqual(r.tools, ['ping', 'read_doc', 'write_doc', 'admin_purge', 'echo']);
    assert.equal(r.summary.failed, 0);
    // Denial shapes.
    assert.match(cell(r, 'reader', 'write_doc').detail, /^JSON-RPC error -32003: .*insufficient_scope/);
    assert.match(cell(r, 'reader', 'admin_purge').detail, /^unknown on call \(tool hidden from tools\/list\)/);
    assert.match(cell(r, 'anonymous', 'read_doc').detail, /^isError: Forbidden: missing scope docs:read/);
    if (transport !== 'stdio') assert.match(cell(r, 'expired', 'read_doc').detail, /HTTP 401; WWW-Authenticate: Bearer error="invalid_token"/);
    else assert.match(cell(r, 'expired', 'read_doc').detail, /server refused to start for this principal \(exit code 1\): invalid token/);
    // Unnamed tool: arguments from its input schema, no expectation for declared principals.
    const echo = cell(r, 'writer', 'echo');
    assert.equal(echo.expected, 'none');
    assert.equal(echo.actual, 'allow');
    assert.match(echo.detail, /mcp-secure-matrix/);
    assert.equal(cell(r, 'alg-none', 'echo').expected, 'deny');
    assert.equal(cell(r, 'anonymous', 'ping').actual, 'allow');
    const json = JSON.stringify(matrixToJson(r));
    assert.ok(!/eyJ[A-Za-z0-9_-]{8,}/.test(json), 'no JWT in the report');
    // Events for the Test Explorer.
    assert.equal(events.filter((e) => e.type === 'enqueued').length, r.summary.total);
    assert.equal(events.filter((e) => e.type === 'started').length, r.summary.total);
    assert.equal(events.filter((e) => e.type === 'passed' || e.type === 'failed' || e.type === 'skipped').length, r.summary.total);
  });

  const broken: Array<[string, string[]]> = [
    ['accept-expired', row('expired')],
    ['skip-audience', row('wrong-audience')],
    ['skip-signature', [...row('bad-signature'), ...row('alg-none')]],
    ['unchecked-tool', ['anonymous/write_doc', 'reader/write_doc']],
    ['fail-open', row('anonymous')],
  ];
  for (const [mode, expected] of broken) {
    test(`${transport}: broken mode ${mode} → exactly the cells it should break are flagged`, async () => {
      const r = await runDocs(transport, mode);
      assert.deepEqual(failing(r), [...expected].sort());
      for (const c of r.cells.filter((x) => !x.pass)) {
        assert.equal(c.actual, 'allow', `${c.principal}/${c.tool}: ${c.detail}`);
        assert.match(c.detail, /\[expected deny: /);
      }
    });
  }
}

test('stdio robustness: a crash is an error cell and the server restarts, a hang times out, huge output is capped, stdout garbage is skipped', async () => {
  const outputs: string[] = [];
  // One row at a time: the 6 MB answer of `huge` must not race other rows' processes for the
  // per-call timeout on a loaded 2-core machine.
  const r = await runDocs('stdio', 'correct', {
    extras: true,
    concurrency: 1,
    callTimeoutMs: 2500,
    onEvent: (e) => e.type === 'output' && outputs.push(e.text),
    edit: (c) => {
      for (const t of ['crash_now', 'hang', 'huge']) c.tools![t] = { allow: ['admin'] };
    },
  });
  const crash = cell(r, 'admin', 'crash_now');
  assert.equal(crash.actual, 'error');
  assert.match(crash.detail, /server crashed: .*exit code 3/);
  const hang = cell(r, 'admin', 'hang');
  assert.equal(hang.actual, 'timeout');
  assert.match(hang.detail, /no response within 2500 ms/);
  const huge = cell(r, 'admin', 'huge');
  assert.equal(huge.actual, 'allow');
  assert.ok(huge.detail.length < 400, 'detail is an excerpt');
  // After the crash and the hang the server was restarted: later tools still work.
  assert.equal(cell(r, 'admin', 'echo').actual, 'allow');
  assert.equal(cell(r, 'reader', 'read_doc').actual, 'allow');
  assert.ok(r.notes.some((n) => /restarted/.test(n)));
  assert.ok(outputs.some((o) => /non-JSON-RPC line on stdout: this is not JSON-RPC/.test(o)), 'garbage reported as output');
  // The rest of the matrix is unaffected.
  assert.deepEqual(failing(r).filter((f) => !/crash_now|hang|huge/.test(f)), []);
});

test('http robustness: crash → error and restart, hang → timeout, huge response → allow', async () => {
  const r = await runDocs('http', 'correct', {
    extras: true,
    callTimeoutMs: 1500,
    concurrency: 1,
    edit: (c) => {
      for (const t of ['crash_now', 'hang', 'huge']) c.tools![t] = { allow: ['admin'] };
    },
  });
  for (const p of ['reader', 'writer', 'admin', 'anonymous']) {
    assert.equal(cell(r, p, 'crash_now').actual, 'error', p);
    assert.match(cell(r, p, 'crash_now').detail, /server crashed: HTTP server exit code 3/);
    assert.equal(cell(r, p, 'hang').actual, 'timeout', p);
    assert.equal(cell(r, p, 'huge').actual, 'allow', p);
    assert.equal(cell(r, p, 'echo').expected === 'none' || cell(r, p, 'echo').pass, true);
  }
  assert.ok(r.notes.filter((n) => /restarted/.test(n)).length >= 4);
  assert.deepEqual(failing(r).filter((f) => !/crash_now|hang|huge/.test(f)), []);
});

test('startup: a server that never listens, or never answers initialize, fails the run within the startup timeout', async () => {
  const marker = randomUUID();
  const never = ['-e', `setInterval(() => {}, 1000) /* ${marker} */`];
  const t0 = Date.now();
  await assert.rejects(
    runMatrix({ server: { transport: 'http', command: process.execPath, args: never, url: 'http://127.0.0.1:${port}/mcp', startupTimeoutMs: 800 }, principals: { a: { sub: 'a' } } }, { cwd: fixtures }),
    /server did not start: server did not listen on 127\.0\.0\.1:\d+ within 800 ms/,
  );
  await assert.rejects(
    runMatrix({ server: { transport: 'stdio', command: process.execPath, args: never, startupTimeoutMs: 800 }, principals: { a: { sub: 'a' } } }, { cwd: fixtures }),
    /could not be used by any principal: no initialize response within 800 ms/,
  );
  assert.ok(Date.now() - t0 < 20_000);
  assert.deepEqual(processesWith(marker), []);
});

test('destructive tools the file does not allow are skipped unless confirmed or runDestructive', async () => {
  const unnamed = (c: MatrixConfig) => {
    delete c.tools!.admin_purge;
  };
  const skipped = await runDocs('http', 'correct', { edit: unnamed });
  const purge = skipped.cells.filter((c) => c.tool === 'admin_purge');
  assert.equal(purge.length, 9);
  assert.ok(purge.every((c) => c.actual === 'skipped' && c.pass && /destructive/.test(c.detail)));
  assert.equal(skipped.summary.skipped, 9);

  let asked: string[] = [];
  const confirmed = await runDocs('http', 'correct', {
    edit: unnamed,
    confirmDestructive: async (tools) => {
      asked = tools;
      return true;
    },
  });
  assert.deepEqual(asked, ['admin_purge']);
  assert.equal(cell(confirmed, 'admin', 'admin_purge').actual, 'allow');
  assert.equal(cell(confirmed, 'reader', 'admin_purge').actual, 'deny');

  const declined = await runDocs('http', 'correct', { edit: unnamed, confirmDestructive: async () => false });
  assert.equal(cell(declined, 'admin', 'admin_purge').actual, 'skipped');

  const flagged = await runDocs('http', 'correct', { edit: (c) => { unnamed(c); c.runDestructive = true; } });
  assert.equal(cell(flagged, 'admin', 'admin_purge').actual, 'allow');
});

test('demo notes-server (examples/demo-workspace/mcp-matrix.json): 54 cells, the 14 mismatches the demo README lists', async () => {
  const file = join(root, 'examples', 'demo-workspace', 'mcp-matrix.json');
  const { config, problems } = loadMatrixFile(file);
  assert.ok(config, JSON.stringify(problems));
  const r = await runMatrix(config, { cwd: join(root, 'examples', 'demo-workspace') });
  assert.equal(r.summary.total, 54);
  assert.deepEqual(failing(r), [
    'anonymous/create_note', 'anonymous/delete_note', 'anonymous/run_report',
    'reader/delete_note', 'reader/export_notes', 'reader/run_report',
    'writer/export_notes', 'writer/run_report',
    ...['list_notes', 'read_note', 'create_note', 'delete_note', 'export_notes', 'run_report'].map((t) => `wrong-audience/${t}`),
  ].sort());
  assert.equal(r.summary.failed, 14);
  for (const h of ['expired', 'wrong-issuer', 'bad-signature', 'alg-none']) {
    for (const c of r.cells.filter((x) => x.principal === h)) assert.match(c.detail, /HTTP 401/, `${h}/${c.tool}`);
  }
});

// ---- CLI ----

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'cli-entry.ts'), 'matrix', ...args], { cwd: fixtures, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('CLI: --format json → DESIGN shape and exit 0; a broken server → exit 1; junit; an invalid file → exit 2 with file:line:col', async () => {
  const ok = await cli(['--config', 'docs-matrix.json', '--format', 'json'], { MATRIX_MODE: 'correct' });
  assert.equal(ok.code, 0, ok.stderr);
  const json = JSON.parse(ok.stdout) as { cells: Array<Record<string, unknown>>; summary: { total: number; passed: number; failed: number } };
  assert.equal(json.summary.total, 45);
  assert.equal(json.summary.failed, 0);
  assert.deepEqual(Object.keys(json.cells[0]!).slice(0, 6), ['principal', 'tool', 'expected', 'actual', 'pass', 'detail']);

  const bad = await cli(['--config', 'docs-matrix.json', '--format', 'text'], { MATRIX_MODE: 'skip-audience' });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /Mismatches \(4\):/);
  assert.match(bad.stdout, /wrong-audience × read_doc: expected deny, got allow/);

  const junit = await cli(['--config', 'docs-matrix.json', '--format', 'junit'], { MATRIX_MODE: 'fail-open' });
  assert.equal(junit.code, 1);
  assert.match(junit.stdout, /^<\?xml/);
  assert.equal((junit.stdout.match(/<failure /g) ?? []).length, 4);
  assert.match(junit.stdout, /<testsuite name="read_doc" tests="9" failures="1"/);

  const dir = mkdtempSync(join(tmpdir(), 'mcps-matrix-cli-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{\n  "server": { "transport": "carrier-pigeon", "command": "node" },\n  "principals": {}\n}\n');
    const invalid = await cli(['--config', join(dir, 'bad.json'), '--format', 'json']);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /bad\.json:2:\d+: error: server\.transport: must be "stdio" or "http"/);
    assert.equal(invalid.stdout, '');
    const missing = await cli(['--config', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: SIGINT mid-run kills every server process', async () => {
  const marker = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'mcps-matrix-sigint-'));
  try {
    const config = docsConfig('stdio', marker, (c) => {
      c.server.args = [join(fixtures, 'docs-server.mjs'), 'stdio', `--marker=${marker}`];
      c.tools!.hang = { allow: ['admin'] };
      c.callTimeoutMs = 60_000;
    });
    writeFileSync(join(dir, 'm.json'), JSON.stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'cli-entry.ts'), 'matrix', '--config', join(dir, 'm.json')], { cwd: fixtures, env: { ...process.env, MATRIX_EXTRAS: '1' }, stdio: 'ignore' });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    const deadline = Date.now() + 20_000;
    while (processesWith(marker).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(processesWith(marker).length >= 3, 'servers started');
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    await closed;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(processesWith(marker), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
