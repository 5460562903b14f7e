// The authorization lint over real MCP servers published on the npm registry.
//
// The packages (pinned below) are installed at test time into a test-owned cache
// (.cache/authz-npm, git-ignored) with `npm install --ignore-scripts`, never into package.json;
// a warm cache is reused. Without the registry the test is skipped (with the reason).
//
// For each package, in its own process (test/integration/lib/authz-npm-runner.ts) so a hang can
// be ended: tool extraction + lintAuthorization over the package's own files must finish
// without an error within the per-package budget. A copy of one file cut in half must still give
// partial results (the tools before the cut). Then every package is started over stdio with the
// SDK's client, and the statically found tool names are compared with its live `tools/list`:
// every tool static discovery misses or invents is reported; for server-everything (and the
// other packages marked `minRecall`) recall below the bar fails the test.
//
//   node --import tsx --test test/integration/authz-npm.integration.test.ts
//
// Prints one line per package: files, tools found (static / live), findings, verdicts, times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageReport } from './lib/authz-npm-runner';
import { liveTools, type LiveTools } from './lib/live-tools';

const root = join(__dirname, '..', '..');
const cache = join(root, '.cache', 'authz-npm');
const RUNNER = join(__dirname, 'lib', 'authz-npm-runner.ts');
/** Per package: the runner process (tsx start-up ~0.5 s, lint well under a second today). */
const BUDGET_MS = 20_000;
const LIVE_TIMEOUT_MS = 20_000;
const INSTALL_TIMEOUT_MS = 240_000;

interface Pkg {
  name: string;
  version: string;
  /** Arguments and environment to start it over stdio. Placeholders only: no real keys. */
  live: { args?: (dir: string) => string[]; env?: (dir: string) => Record<string, string> };
  /** Fail when static discovery finds less than this share of the live tools. */
  minRecall?: number;
  /** Why static discovery cannot see this package's tools (reported, not failed). */
  knownGap?: string;
  /**
   * The package has no check of the caller at all (read from its source), so no tool may be
   * judged protected. A string: a known false "protected" (reported as todo, with the reason).
   */
  noCallerAuth?: true | string;
}

const PACKAGES: Pkg[] = [
  { name: '@modelcontextprotocol/server-everything', version: '2026.8.31', live: { args: () => ['stdio'] }, minRecall: 1, noCallerAuth: true },
  { name: '@modelcontextprotocol/server-filesystem', version: '2026.8.31', live: { args: (dir) => [dir] }, minRecall: 0.9,
    // validatePath throws outside the allowed directories: a path allow-list, not a check of the caller.
    noCallerAuth: true },
  { name: '@modelcontextprotocol/server-memory', version: '2026.8.31', live: { env: (dir) => ({ MEMORY_FILE_PATH: join(dir, 'memory.jsonl') }) }, minRecall: 0.9, noCallerAuth: true },
  { name: '@modelcontextprotocol/server-sequential-thinking', version: '2026.8.31', live: {}, minRecall: 0.9, noCallerAuth: true },
  { name: 'tavily-mcp', version: '0.2.22', live: { env: () => ({ TAVILY_API_KEY: 'placeholder-not-a-key' }) }, minRecall: 0.9, noCallerAuth: true },
  // addTool({ ...scrapeTool, _meta }): names read through same-file spreads.
  { name: 'firecrawl-mcp', version: '3.26.0', live: { env: () => ({ FIRECRAWL_API_KEY: 'placeholder-not-a-key' }) }, minRecall: 1 },
  // Tool names are string constants exported by lib/tool-names.js.
  { name: '@upstash/context7-mcp', version: '4.1.1', live: {}, minRecall: 1 },
  // isToolAllowed is an operator allow-list from the environment, X-MCP-AUTH a server-wide shared secret: no per-tool check of the caller.
  { name: 'mcp-server-kubernetes', version: '4.1.7', live: {}, noCallerAuth: true,
    knownGap: 'the ListTools handler returns tool objects imported from other modules, so tools come from the `if (name === ...)` arms of the (wrapped) call handler, one of which (kubectl_events) the list does not offer' },
  { name: '@notionhq/notion-mcp-server', version: '2.5.2', live: {}, knownGap: 'tools generated at run time from an OpenAPI document; bin/cli.mjs is minified (skipped by the budget)' },
  { name: '@playwright/mcp', version: '0.0.83', live: { args: () => ['--headless'] }, knownGap: 'the server lives in the playwright-core package; this package is a 2-file shim' },
];

/** Client capabilities under which servers register every tool they have (server-everything adds 6 for these). */
const CLIENT_CAPABILITIES = {
  roots: { listChanged: true },
  sampling: {},
  elicitation: { form: {}, url: {} },
  tasks: { requests: { sampling: { createMessage: {} }, elicitation: { create: {} } } },
};

const pkgDir = (name: string): string => join(cache, 'node_modules', ...name.split('/'));
const installedVersion = (name: string): string | undefined => {
  try {
    return JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
};

/** undefined when the cache holds every package at its pinned version; otherwise a skip reason or a thrown error. */
function ensureCache(): string | undefined {
  const missing = PACKAGES.filter((p) => installedVersion(p.name) !== p.version);
  if (missing.length === 0) return undefined;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Is the registry reachable at all? (A failed install with the registry up is a failure, not a skip.)
  const ping = spawnSync(npm, ['view', `${PACKAGES[0]!.name}@${PACKAGES[0]!.version}`, 'version'], { encoding: 'utf8', timeout: 30_000 });
  if (ping.status !== 0 || ping.stdout.trim() !== PACKAGES[0]!.version) {
    const why = (ping.stderr || '').split('\n').filter((l) => /\S/.test(l) && !/complete log of this run/.test(l)).slice(0, 2).join(' ') || ping.error?.message || `exit ${ping.status}`;
    return `the npm registry is not reachable (npm view: ${why.trim()}); ${missing.length} package(s) not cached in ${cache}`;
  }
  mkdirSync(cache, { recursive: true });
  const manifest = { name: 'mcps-authz-npm-cache', private: true, dependencies: Object.fromEntries(PACKAGES.map((p) => [p.name, p.version])) };
  writeFileSync(join(cache, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`installing ${missing.map((p) => `${p.name}@${p.version}`).join(', ')} into ${cache}`);
  const t0 = Date.now();
  const r = spawnSync(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: cache, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS });
  const still = PACKAGES.filter((p) => installedVersion(p.name) !== p.version).map((p) => p.name);
  if (r.status !== 0 || still.length) {
    throw new Error(`npm install in ${cache} failed (exit ${r.status ?? r.signal}${r.error ? `, ${r.error.message}` : ''}); missing: ${still.join(', ')}\n${(r.stderr || '').slice(-1500)}`);
  }
  console.log(`installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return undefined;
}

const skip = ensureCache();

/** Runs the lint of one package in a child process; rejects on a crash or when the budget runs out (the child is killed). */
function runLint(dir: string, extra: string[] = []): Promise<{ report: PackageReport; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, dir, ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString('utf8')).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, BUDGET_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Math.round(performance.now() - t0);
      if (timedOut) return reject(new Error(`the lint of ${dir} did not finish within ${BUDGET_MS} ms (killed)`));
      if (code !== 0) return reject(new Error(`the lint of ${dir} crashed (exit ${code ?? signal}):\n${err}`));
      try {
        resolve({ report: JSON.parse(out.trim().split('\n').pop()!), wallMs });
      } catch (e) {
        reject(new Error(`the lint of ${dir} printed no report (${String(e)}):\n${out.slice(-500)}\n${err}`));
      }
    });
  });
}

const reports = new Map<string, { report: PackageReport; wallMs: number }>();

test('authorization lint over real MCP servers from the npm registry', { skip, timeout: 240_000 }, async (t) => {
  await t.test('every package is linted without a crash, within the per-package budget', async () => {
    const failures: string[] = [];
    for (const p of PACKAGES) {
      try {
        const r = await runLint(pkgDir(p.name));
        reports.set(p.name, r);
        const { report } = r;
        assert.equal(report.name, p.name);
        assert.equal(report.version, p.version);
        assert.ok(report.files > 0, `${p.name}: no source files read`);
        // The lint judges the tools the extraction finds, no more, no fewer.
        assert.deepEqual([...report.lintedTools].sort(), [...new Set(report.tools)].sort(), `${p.name}: the lint's tools differ from the extraction's`);
      } catch (e) {
        failures.push(`${p.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    console.log(`${'package'.padEnd(50)} ${'files'.padStart(5)} ${'KB'.padStart(6)} ${'tools'.padStart(5)} ${'findings'.padStart(8)}  verdicts                         discovery   lint   wall  syntax errors / problems`);
    for (const p of PACKAGES) {
      const r = reports.get(p.name);
      if (!r) continue;
      const x = r.report;
      const verdicts = Object.entries(x.verdicts).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
      const why = Object.entries(x.protectedBy).map(([reason, n]) => `protected ${n}× because it ${reason}`);
      const notes = [...x.syntaxErrorFiles.map((f) => `syntax error: ${f}`), ...x.problems, ...why].join('; ') || '-';
      console.log(
        `${`${x.name}@${x.version}`.padEnd(50)} ${String(x.files).padStart(5)} ${String(Math.round(x.bytes / 1024)).padStart(6)} ${String(new Set(x.tools).size).padStart(5)} ${String(x.findings).padStart(8)}  ${verdicts.padEnd(32)} ${`${x.discoveryMs} ms`.padStart(9)} ${`${x.lintMs} ms`.padStart(6)} ${`${(r.wallMs / 1000).toFixed(1)} s`.padStart(6)}  ${notes}`,
      );
    }
    assert.deepEqual(failures, [], 'packages whose lint crashed, hung or misreported');
  });

  await t.test('a file with a syntax error still gives partial results', async () => {
    // server-memory registers its 9 tools in one file: cut it at 75 % (mid-registration).
    const name = '@modelcontextprotocol/server-memory';
    const full = reports.get(name)?.report;
    assert.ok(full, `no full report for ${name}`);
    const { report: cut } = await runLint(pkgDir(name), ['--truncate', 'dist/index.js', '0.75']);
    console.log(`${name} cut at 75 %: ${cut.tools.length} of ${full.tools.length} tools (${cut.tools.join(', ')}), findings ${cut.findings}`);
    assert.ok(cut.syntaxErrorFiles.includes('dist/index.js'), `the cut file should parse with errors: ${JSON.stringify(cut.syntaxErrorFiles)}`);
    assert.ok(cut.tools.length > 0, 'no tool found before the cut');
    assert.ok(cut.tools.length < full.tools.length, 'the cut should lose the tools after it');
    assert.deepEqual(cut.tools, full.tools.slice(0, cut.tools.length), 'the tools before the cut, in order');
    assert.ok(cut.findings > 0 && Object.keys(cut.verdicts).length > 0, 'verdicts and findings for the tools before the cut');
  });

  await t.test('servers without any check of the caller get no "protected" verdict', async (st) => {
    for (const p of PACKAGES.filter((x) => x.noCallerAuth)) {
      const r = reports.get(p.name)?.report;
      await st.test(p.name, typeof p.noCallerAuth === 'string' ? { todo: `known false "protected": ${p.noCallerAuth}` } : {}, () => {
        assert.ok(r, `no report for ${p.name}`);
        assert.ok((r.verdicts.unprotected ?? 0) > 0, 'some tool should be unprotected');
        assert.deepEqual(r.protectedBy, {}, `tools judged protected in a server without caller authorization`);
      });
    }
  });

  await t.test('static tool discovery against the live tools/list of each server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcps-authz-npm-live-'));
    const failures: string[] = [];
    try {
      for (const p of PACKAGES) {
        const r = reports.get(p.name);
        if (!r) {
          failures.push(`${p.name}: no static report`);
          continue;
        }
        const pkg = JSON.parse(readFileSync(join(pkgDir(p.name), 'package.json'), 'utf8'));
        const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin as Record<string, string>)[0];
        let live: LiveTools;
        try {
          live = await liveTools(join(pkgDir(p.name), bin), p.live.args?.(dir) ?? [], { cwd: dir, env: p.live.env?.(dir), timeoutMs: LIVE_TIMEOUT_MS, capabilities: CLIENT_CAPABILITIES });
        } catch (e) {
          const msg = `${p.name}: could not list its tools live: ${e instanceof Error ? e.message : String(e)}`;
          if (p.minRecall !== undefined) failures.push(msg);
          else console.log(`${msg}`);
          continue;
        }
        const found = new Set(r.report.tools);
        const listed = new Set(live.tools);
        const missed = live.tools.filter((x) => !found.has(x));
        const invented = [...found].filter((x) => !listed.has(x));
        const recall = listed.size ? (listed.size - missed.length) / listed.size : 1;
        const precision = found.size ? (found.size - invented.length) / found.size : 1;
        const dupes = r.report.tools.filter((x, i) => r.report.tools.indexOf(x) !== i);
        console.log(
          `${p.name.padEnd(48)} live ${String(listed.size).padStart(3)} (${live.ms} ms)  static ${String(found.size).padStart(3)}  recall ${recall.toFixed(2)}  precision ${precision.toFixed(2)}` +
            `${missed.length ? `  missed: ${missed.join(', ')}` : ''}${invented.length ? `  invented: ${invented.join(', ')}` : ''}${dupes.length ? `  registered twice: ${[...new Set(dupes)].join(', ')}` : ''}${p.knownGap && recall < 0.9 ? `  (known gap: ${p.knownGap})` : ''}`,
        );
        if (p.minRecall !== undefined && recall < p.minRecall) {
          failures.push(`${p.name}: recall ${recall.toFixed(2)} < ${p.minRecall} (static misses ${missed.join(', ')})`);
        }
        if (p.minRecall !== undefined && invented.length) failures.push(`${p.name}: static discovery invents ${invented.join(', ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(failures, [], 'static discovery against the live servers');
  });
});

// Keep the cache check visible when the whole test is skipped.
if (skip) console.log(`skipped: ${skip}`);
else if (!existsSync(cache)) console.log(`no cache at ${cache}`);
