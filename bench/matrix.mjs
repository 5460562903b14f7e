// Principal-matrix figures for `npm run bench` (called by bench/run.mjs; also runs alone:
// `node bench/matrix.mjs [--quick] [--transport stdio|http]`, which prints the rows and does
// not touch bench/results.json).
//
//   matrix-stdio-vs-inspector   the MCP Inspector CLI, one invocation per cell / `mcp-secure matrix`, over stdio
//   matrix-http-vs-inspector    the same over Streamable HTTP
//
// The matrix: 8 principals × 20 tools = 160 cells (bench/lib/matrix-tools.mjs): the file
// declares `reader` and `admin`, the harness adds its 6 built-in hostile principals
// (anonymous, expired, wrong-audience, wrong-issuer, bad-signature, alg-none). The server is
// bench/lib/matrix-server.mjs (SDK v1, jose-verified JWTs; stdio: one process per principal,
// token in MCP_ACCESS_TOKEN; HTTP: one process, a Bearer token per request).
//
// Ours: `node dist/cli.js matrix --config … --format json`, a new process (issuer, tokens,
// servers, every call), median of 3 (after a warm-up run; none in --quick).
// Without this product: the MCP Inspector CLI (installed from the npm registry into
// bench/.corpus/matrix-inspector, run under Node >= 22.19, from .cache/vscode when the
// system Node is older), one invocation per cell, one after the other as a shell loop would:
//   stdio  inspector --cli -e OAUTH_…=… -e MCP_ACCESS_TOKEN=<token> node matrix-server.mjs stdio --method tools/call --tool-name T --tool-arg k=v --format json
//   http   inspector --cli --transport http --server-url URL --header "Authorization: Bearer <token>" --stored-auth-only --method tools/call …
// with tokens from the harness's own issuer code (bench/lib/matrix-issuer.mjs) for the same
// 8 principals. The Inspector takes a token only on its argv (-e / --header; its config file
// has no environment expansion): acceptable for ephemeral tokens against 127.0.0.1; no token
// is ever printed (token files are 0600 in a private temp folder, removed afterwards).
// Full mode: all 160 cells once per transport. Quick mode: 16 cells (2 per principal, 16
// distinct tools), extrapolated × 10. Both sides' answers are compared cell by cell.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exec, median, timeMedian } from './lib/timing.mjs';
import { cleanEnv, ensureInstall } from './lib/install.mjs';
import { matrixFile, PRINCIPALS, TOOLS } from './lib/matrix-tools.mjs';

const INSPECTOR = { '@modelcontextprotocol/inspector': '2.12.0' };
const INSPECTOR_MIN_NODE = [22, 19];
/** Quick mode: 2 cells per principal, 16 distinct tools covering every kind and denial shape. */
const QUICK_SAMPLE = {
  reader: ['read_note', 'create_note'],
  admin: ['purge_all', 'update_note'],
  anonymous: ['ping', 'list_notes'],
  expired: ['search_notes', 'audit_log'],
  'wrong-audience': ['delete_note', 'server_time'],
  'wrong-issuer': ['get_tag', 'rotate_keys'],
  'bad-signature': ['add_tag', 'note_history'],
  'alg-none': ['export_note', 'list_users'],
};
const CELL_LIMIT_S = 60;

const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const round2 = (v) => Math.round(v * 100) / 100;
/** Anything JWT-shaped out of a message (the tokens only ever travel on the Inspector's argv). */
const redact = (text) => String(text).replace(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, '[jwt]');


/** A Node the Inspector supports: this one, or the Node 24 kept under .cache/vscode. */
function inspectorNode(root) {
  const ok = (v) => {
    const [major, minor] = v.replace(/^v/, '').split('.').map(Number);
    return major > INSPECTOR_MIN_NODE[0] || (major === INSPECTOR_MIN_NODE[0] && minor >= INSPECTOR_MIN_NODE[1]);
  };
  if (ok(process.version)) return { path: process.execPath, version: process.version };
  const cache = join(root, '.cache', 'vscode');
  const candidates = [];
  if (existsSync(cache)) {
    for (const name of readdirSync(cache).filter((n) => n.startsWith('node'))) {
      candidates.push(join(cache, name, 'node_modules', 'node', 'bin', 'node'), join(cache, name, 'bin', 'node'));
    }
  }
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && ok(r.stdout.trim())) return { path, version: r.stdout.trim() };
  }
  return undefined;
}

/** Pids of live processes whose command line contains marker. */
function processesWith(marker) {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch { /* gone */ }
  }
  return pids;
}

/** Kills what is left of the processes tagged with marker (all started by this bench); returns how many. */
function reap(marker) {
  const left = processesWith(marker);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone */ }
  }
  return left.length;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** CPU time (user + sys, ms) a live process has used so far. */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A helper process in its own process group; resolves once `ready(text)` holds for its output. */
async function startHelper(cmd, args, { env, ready, from = 'stdout', timeoutMs = 15_000 }) {
  const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch { /* gone */ }
  };
  process.once('exit', stop);
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${args[0]} not ready within ${timeoutMs} ms; stderr: ${err.slice(-300)}`)), timeoutMs);
      const check = () => {
        if (ready(from === 'stdout' ? out : err)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${args[0]} exited (${code}); stderr: ${err.slice(-300)}`));
      });
    });
  } catch (e) {
    stop();
    throw e;
  }
  return {
    pid: child.pid,
    kill: stop,
    output: () => out,
    cpuMs: () => cpuOf(child.pid),
    async close() {
      process.removeListener('exit', stop);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch { /* gone */ }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000).unref())]);
      stop();
    },
  };
}

/**
 * One process, timed: wall time, CPU time (user + sys of it and the children it waited for,
 * from GNU time when installed) and its exit status whatever it is (a denial is an exit ≠ 0).
 * `timeout` runs it in a process group of its own and kills the whole group past the limit.
 */
function timed(argv, { cwd, env }) {
  const [file, args] = GNU_TIME ? [GNU_TIME, ['-f', `${CPU_MARK} %U %S`, ...argv]] : [argv[0], argv.slice(1)];
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', input: '', maxBuffer: 64 * 1024 * 1024, timeout: (CELL_LIMIT_S + 30) * 1000, killSignal: 'SIGKILL' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  const cpu = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(r.stderr ?? '');
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, status: r.status, signal: r.signal, timedOut: r.error?.code === 'ETIMEDOUT', stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CPU_MARK = '__bench_cpu';

/** `times` timed runs, no warm-up: { ms, cpuMs (medians), samples, stdout (the last run's) }. */
function timeRuns(cmd, args, times, options) {
  const runs = Array.from({ length: times }, () => exec(cmd, args, options));
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), samples: runs.map((r) => r.ms), stdout: runs[runs.length - 1].stdout };
}

const toolArgs = (tool) => {
  const pairs = Object.entries(TOOLS.find((t) => t.name === tool).args).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? ['--tool-arg', ...pairs] : [];
};

/**
 * @param {{ root: string, corpus: string, quick: boolean, transports?: string[], log?: (s: string) => void }} options
 * @returns {Promise<Array<{ name: string, value: number, unit: string, target: string, met: boolean, detail: string }>>}
 */
export async function matrixBenchRows({ root, corpus, quick, transports = ['stdio', 'http'], log = console.log }) {
  const rows = [];
  const load = () => {
    const [a, b, c] = loadavg();
    return `; load average ${a.toFixed(2)}, ${b.toFixed(2)}, ${c.toFixed(2)} (1/5/15 min, as uptime) on ${cpus().length} cores`;
  };
  const row = (name, value, unit, target, met, detail) => rows.push({ name, value: round2(value), unit, target, met, detail: detail + load() });
  const work = join(corpus, 'matrix');
  mkdirSync(work, { recursive: true });

  if (!existsSync(join(root, 'dist', 'cli.js'))) exec('node', ['scripts/build.mjs', '--production'], { cwd: root });
  // The harness's issuer and classification rules, bundled for the Inspector side.
  const { buildSync } = createRequire(join(root, 'package.json'))('esbuild');
  const bundle = (entry, out) =>
    buildSync({ entryPoints: [join(root, 'bench', 'lib', entry)], outfile: join(work, out), bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], logLevel: 'error' });
  bundle('matrix-issuer.mjs', 'issuer.cjs');
  bundle('matrix-verdict.mjs', 'verdict.cjs');
  const { inspectorVerdict } = createRequire(import.meta.url)(join(work, 'verdict.cjs'));

  const node = inspectorNode(root);
  const inspectorDir = join(corpus, 'matrix-inspector');
  const inspectorName = `MCP Inspector CLI ${INSPECTOR['@modelcontextprotocol/inspector']}`;
  if (!node) {
    for (const t of transports) {
      row(`matrix-${t}-vs-inspector`, 0, 'x', '>= 10', false, `not measured: the Inspector needs Node >= ${INSPECTOR_MIN_NODE.join('.')}, this is ${process.version} and no newer Node was found under .cache/vscode`);
    }
    return rows;
  }
  try {
    ensureInstall(inspectorDir, INSPECTOR, inspectorName, log, { preferOffline: true });
  } catch (err) {
    for (const t of transports) row(`matrix-${t}-vs-inspector`, 0, 'x', '>= 10', false, `not measured: installing ${inspectorName} failed: ${redact(err.message).slice(0, 400)}`);
    return rows;
  }
  const inspectorJs = join(inspectorDir, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
  const serverJs = join(root, 'bench', 'lib', 'matrix-server.mjs');
  const cells = quick ? PRINCIPALS.flatMap((p) => QUICK_SAMPLE[p].map((t) => [p, t])) : PRINCIPALS.flatMap((p) => TOOLS.map((t) => [p, t.name]));
  const total = PRINCIPALS.length * TOOLS.length;
  const maxPhaseMs = (quick ? 4 : 20) * 60_000;

  const measure = async (transport) => {
    const marker = `bench-matrix-${randomUUID()}`;
    // ── Ours ──────────────────────────────────────────────────────────────────────────
    const config = join(work, `mcp-matrix-${transport}.json`);
    writeFileSync(config, JSON.stringify(matrixFile({ transport, command: process.execPath, args: [serverJs, transport, marker] }), null, 2) + '\n');
    log(`Principal matrix over ${transport}: mcp-secure matrix (${PRINCIPALS.length} principals × ${TOOLS.length} tools) …`);
    const times = 3;
    const oursArgs = [join(root, 'dist', 'cli.js'), 'matrix', '--config', config, '--format', 'json'];
    const oursOptions = { cwd: work, ok: [0, 1], env: cleanEnv() };
    // Quick: no warm-up run (dist/ was just built, so it is in the file cache anyway).
    const ours = quick ? timeRuns('node', oursArgs, times, oursOptions) : timeMedian('node', oursArgs, times, oursOptions);
    const result = JSON.parse(ours.stdout);
    const oursLeft = reap(marker);
    const harness = new Map(result.cells.map((c) => [`${c.principal}\u0000${c.tool}`, c]));

    // ── The Inspector, one invocation per cell ────────────────────────────────────────
    const tokens = mkdtempSync(join(tmpdir(), 'mcp-secure-bench-matrix-'));
    const home = join(tokens, 'home');
    mkdirSync(home, { mode: 0o700 });
    const helpers = [];
    const verdicts = [];
    // Interrupted (the handler runs once the current invocation returns): stop the helpers, the
    // tagged servers and the token folder, then die of the same signal.
    const onSignal = (sig) => {
      for (const h of helpers) h.kill();
      reap(marker);
      rmSync(tokens, { recursive: true, force: true });
      process.kill(process.pid, sig);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let inspectorMs = 0;
    let inspectorCpuMs = 0;
    let helperCpuMs = 0;
    let stopped = '';
    let inspectorLeft = 0;
    try {
      const port = transport === 'http' ? await freePort() : undefined;
      const url = port ? `http://127.0.0.1:${port}/mcp` : undefined;
      const audience = url ?? 'mcp-secure-test'; // as the harness: the url, or "mcp-secure-test"
      const issuer = await startHelper(process.execPath, [join(work, 'issuer.cjs'), tokens, audience, '30'], { env: cleanEnv(), ready: (o) => o.includes('\n') });
      helpers.push(issuer);
      const { issuer: iss, jwksUri } = JSON.parse(issuer.output().split('\n')[0]);
      const serverEnv = { OAUTH_ISSUER: iss, OAUTH_JWKS_URL: jwksUri, OAUTH_AUDIENCE: audience };
      if (transport === 'http') {
        helpers.push(await startHelper(process.execPath, [serverJs, 'http', marker], { env: { ...cleanEnv(), ...serverEnv, PORT: String(port) }, from: 'stderr', ready: (e) => e.includes('matrix-bench on http') }));
      }
      const helperCpuStart = helpers.reduce((n, h) => n + h.cpuMs(), 0);
      const secrets = [];
      const tokenOf = (principal) => {
        const file = join(tokens, `${principal}.token`);
        if (!existsSync(file)) return undefined;
        const t = readFileSync(file, 'utf8');
        if (!secrets.includes(t)) secrets.push(t);
        return t;
      };
      const env = { ...cleanEnv(), HOME: home, NO_COLOR: '1', MCP_INSPECTOR_SECRET_STORE: 'memory' };
      const invoke = (principal, tool) => {
        const token = tokenOf(principal);
        const target = transport === 'http'
          ? ['--transport', 'http', '--server-url', url, ...(token ? ['--header', `Authorization: Bearer ${token}`] : []), '--stored-auth-only']
          : [...Object.entries({ ...serverEnv, ...(token ? { MCP_ACCESS_TOKEN: token } : {}) }).flatMap(([k, v]) => ['-e', `${k}=${v}`]), process.execPath, serverJs, 'stdio', marker];
        const args = [inspectorJs, '--cli', ...target, '--method', 'tools/call', '--tool-name', tool, ...toolArgs(tool), '--format', 'json'];
        return timed(['timeout', '-k', '5', String(CELL_LIMIT_S), node.path, ...args], { cwd: work, env });
      };
      log(`  ${inspectorName} (Node ${node.version}), one invocation per cell: ${quick ? `${cells.length} of ${total} cells (quick sample)` : `all ${total} cells`} …`);
      invoke('anonymous', 'ping'); // warm-up (file cache), not counted
      const phaseStart = Date.now();
      for (const [principal, tool] of cells) {
        if (Date.now() - phaseStart > maxPhaseMs) {
          stopped = `; stopped after ${verdicts.length} cells (${fmt(maxPhaseMs)} limit), extrapolated from those`;
          break;
        }
        // A turn of the event loop between invocations (untimed): a pending SIGINT/SIGTERM is handled here.
        await new Promise((r) => setTimeout(r, 1));
        const r = invoke(principal, tool);
        inspectorMs += r.ms;
        inspectorCpuMs += r.cpuMs;
        verdicts.push({ principal, tool, ms: r.ms, ...inspectorVerdict(r, tool, secrets) });
      }
      helperCpuMs = helpers.reduce((n, h) => n + h.cpuMs(), 0) - helperCpuStart;
    } finally {
      for (const h of helpers) await h.close();
      inspectorLeft = reap(marker);
      rmSync(tokens, { recursive: true, force: true });
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }

    // ── Compare and report ────────────────────────────────────────────────────────────
    const scale = total / verdicts.length;
    const inspectorTotalMs = inspectorMs * scale;
    const inspectorTotalCpuMs = (inspectorCpuMs + helperCpuMs) * scale;
    const ratio = inspectorTotalMs / ours.ms;
    const cpuRatio = inspectorTotalCpuMs / ours.cpuMs;
    const counts = { allow: 0, deny: 0, error: 0, timeout: 0 };
    const disagree = [];
    for (const v of verdicts) {
      counts[v.actual] = (counts[v.actual] ?? 0) + 1;
      const h = harness.get(`${v.principal}\u0000${v.tool}`);
      if (!h || h.actual !== v.actual) disagree.push(`${v.principal}/${v.tool}: harness ${h?.actual ?? 'missing'} (${(h?.detail ?? '').slice(0, 90)}), Inspector ${v.actual} (${v.detail.slice(0, 90)})`);
    }
    if (disagree.length) log(`  ${disagree.length} cells where the Inspector and the harness disagree:\n    ${disagree.join('\n    ')}`);
    const s = result.summary;
    const sampled = quick
      ? `${verdicts.length} sampled cells (2 per principal, 16 distinct tools) took ${fmt(inspectorMs)}, extrapolated × ${round2(scale)} to the ${total} cells`
      : `all ${verdicts.length} cells once${scale !== 1 ? `, extrapolated × ${round2(scale)} to ${total}` : ''}`;
    row(`matrix-${transport}-vs-inspector`, ratio, 'x', '>= 10', ratio >= 10,
      `${transport === 'stdio' ? 'stdio (a server process per principal for us, per call for the Inspector)' : 'Streamable HTTP (one server process; a Bearer token per request)'}: ` +
        `${PRINCIPALS.length} principals (reader, admin from the matrix file + the 6 built-in hostile ones) × ${TOOLS.length} tools (2 public, 8 read, 6 write, 4 admin) = ${total} cells; ` +
        `${inspectorName} under Node ${node.version}, one invocation per cell, one after another (the installed bin, no npx), ${sampled}: ${fmt(inspectorTotalMs)} (CPU ${fmt(inspectorTotalCpuMs)}, incl. the servers and the issuer; per call median ${fmt(median(verdicts.map((v) => v.ms)))})${stopped} ` +
        `vs mcp-secure matrix (node dist/cli.js matrix --format json, a new process: issuer, tokens, servers, all ${s.total} calls) ${fmt(ours.ms)} (CPU ${fmt(ours.cpuMs)}), median of ${times}${quick ? '' : ' after a warm-up'} (samples ${ours.samples.map((m) => fmt(m)).join(', ')}); ` +
        `by CPU time ${round2(cpuRatio)}x; harness verdicts ${s.passed}/${s.total} as expected (${s.failed} mismatched, ${s.noExpectation} without expectation); ` +
        `the Inspector's answers: ${counts.allow} allowed, ${counts.deny} denied${counts.error ? `, ${counts.error} error` : ''}${counts.timeout ? `, ${counts.timeout} timeout` : ''}; ` +
        (disagree.length ? `DISAGREE with the harness on ${disagree.length} of ${verdicts.length} cells: ${disagree.slice(0, 4).join('; ')}` : `same allow/deny as the harness on all ${verdicts.length} cells`) +
        (oursLeft || inspectorLeft ? `; leftover server processes killed: ${oursLeft} after ours, ${inspectorLeft} after the Inspector` : '') +
        (ratio >= 10 ? '' : '; target not met'));
  };
  for (const transport of transports) {
    try {
      await measure(transport);
    } catch (err) {
      log(`  matrix over ${transport} not measured: ${redact(err.message)}`);
      row(`matrix-${transport}-vs-inspector`, 0, 'x', '>= 10', false, `not measured: ${redact(err.message).slice(0, 600)}`);
    }
  }
  return rows;
}

// Alone: `node bench/matrix.mjs [--quick] [--transport stdio|http]` prints the rows (does not touch bench/results.json).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const i = process.argv.indexOf('--transport');
  const transports = i > 0 ? [process.argv[i + 1]] : undefined;
  const rows = await matrixBenchRows({ root, corpus: join(root, 'bench', '.corpus'), quick: process.argv.includes('--quick'), transports });
  for (const r of rows) console.log(`${r.name}  ${r.value} ${r.unit}  target ${r.target}  ${r.met ? 'met' : 'NOT met'}\n  ${r.detail}`);
}
