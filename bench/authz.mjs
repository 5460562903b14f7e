// Authorization-lint figures for `npm run bench` (called by bench/run.mjs; also runs alone:
// `node bench/authz.mjs [--quick]`).
//
//   authz-lint-vs-parse-only   lintAuthorization over real MCP packages / tree-sitter parse of the same files
//   authz-lint-vs-eslint       ESLint (typescript-eslint parser, no rules) / our lint, each a new process
//   authz-relint-latency       lintAuthorizationDocument() on a 3,000-line server after each keystroke
//
// The corpus is a real node_modules installed from the npm registry: the MCP SDK, fastmcp,
// mcp-framework and published MCP servers (pinned, --ignore-scripts), with their dependencies
// (a one-time install, cached in bench/.corpus/authz-corpus/ while the package list is the
// same). Its source files (.js/.mjs/.cjs/.ts/.mts/.cts/.py/.go, at most 1 MiB) and the
// package.json files are hard-linked into `scan-<size>/` with every `node_modules` segment
// renamed to `m` (ESLint always skips node_modules), whole packages in path order until the
// size's byte budget (quick: packages that would overflow it are skipped, so the SDK itself is not in it). Each package root is one ServerProject (framework 'mcp-sdk').
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exec, median, timeMedian } from './lib/timing.mjs';
import { ensureInstall } from './lib/install.mjs';

/** MCP SDKs, frameworks and published servers; their dependencies come with them. */
const CORPUS_PACKAGES = {
  '@modelcontextprotocol/sdk': '1.32.2',
  fastmcp: '4.20.16',
  'mcp-framework': '0.2.22',
  '@modelcontextprotocol/server-everything': '2026.8.31',
  '@modelcontextprotocol/server-filesystem': '2026.8.31',
  '@modelcontextprotocol/server-memory': '2026.8.31',
  '@modelcontextprotocol/server-sequential-thinking': '2026.8.31',
  '@modelcontextprotocol/server-github': '2025.4.8',
  '@modelcontextprotocol/server-slack': '2025.4.25',
  '@modelcontextprotocol/server-brave-search': '0.6.2',
  '@modelcontextprotocol/server-postgres': '0.6.2',
};
/** ESLint with the typescript-eslint parser (typescript pinned to a 5.x the parser supports). */
const ESLINT = { eslint: '10.15.0', '@typescript-eslint/parser': '8.73.0', typescript: '5.9.3' };

const SOURCE_EXT = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.py', '.go']);
const JS_EXT = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const MAX_FILE_BYTES = 1024 * 1024;
/** Source bytes in the scan tree: all (full), or whole packages that fit in this many (quick). */
const SIZES = { full: Infinity, quick: 2 * 1024 * 1024 };

// ── Processes and timing ──────────────────────────────────────────────────────────────────


const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const fmtT = (t) => (Number.isNaN(t.cpuMs) ? fmt(t.ms) : `${fmt(t.ms)} (CPU ${fmt(t.cpuMs)})`);
const round2 = (v) => Math.round(v * 100) / 100;
const top = (counts, n = 4) => Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${v}`).join(', ');

// ── Installs and the scan tree ────────────────────────────────────────────────────────────


/** Package roots of a node_modules tree (name and @scope/name folders, nested node_modules too), in path order. */
function packageRoots(nodeModules) {
  const roots = [];
  const visit = (nm) => {
    for (const name of readdirSync(nm).sort()) {
      if (name.startsWith('.')) continue;
      const dirs = name.startsWith('@') ? readdirSync(join(nm, name)).sort().map((n) => join(nm, name, n)) : [join(nm, name)];
      for (const dir of dirs) {
        if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
        roots.push(dir);
        if (existsSync(join(dir, 'node_modules'))) visit(join(dir, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return roots;
}

/** Files of one package, not descending into its own node_modules (those are packages too). */
function packageFiles(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const folder = stack.pop();
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') stack.push(path);
      } else if (entry.isFile() && (entry.name === 'package.json' || SOURCE_EXT.has(extname(entry.name).toLowerCase()))) {
        out.push(path);
      }
    }
  }
  return out;
}

function ensureScanTree(dir, size, fresh) {
  const scan = join(dir, `scan-${size}`);
  const countFile = join(dir, `.bench-scan-${size}.json`);
  const version = 2;
  if (!fresh && existsSync(countFile)) {
    const saved = JSON.parse(readFileSync(countFile, 'utf8'));
    if (saved.version === version && saved.limit === String(SIZES[size])) return { scan, ...saved };
  }
  rmSync(scan, { recursive: true, force: true });
  const from = join(dir, 'node_modules');
  const limit = SIZES[size];
  let files = 0;
  let jsFiles = 0;
  let bytes = 0;
  let packages = 0;
  const byExt = {};
  const packageNames = [];
  for (const pkg of packageRoots(from)) {
    const keep = packageFiles(pkg).filter((path) => {
      const st = statSync(path);
      return path.endsWith(`${sep}package.json`) || (st.size > 0 && st.size <= MAX_FILE_BYTES);
    });
    const pkgBytes = keep.reduce((n, path) => n + (path.endsWith(`${sep}package.json`) ? 0 : statSync(path).size), 0);
    if (keep.length <= 1 || bytes + pkgBytes > limit) continue;
    packages++;
    packageNames.push(relative(from, pkg).split(sep).filter((s) => s !== 'node_modules').join('>'));
    for (const path of keep) {
      const st = statSync(path);
      const isSource = !path.endsWith(`${sep}package.json`);
      const target = join(scan, 'm', ...relative(from, path).split(sep).map((s) => (s === 'node_modules' ? 'm' : s)));
      mkdirSync(dirname(target), { recursive: true });
      try {
        linkSync(path, target);
      } catch {
        copyFileSync(path, target);
      }
      if (!isSource) continue;
      const ext = extname(path).toLowerCase();
      byExt[ext] = (byExt[ext] ?? 0) + 1;
      files++;
      if (JS_EXT.has(ext)) jsFiles++;
      bytes += st.size;
    }
  }
  const saved = { version, limit: String(limit), files, jsFiles, bytes, packages, packageNames, byExt };
  writeFileSync(countFile, JSON.stringify(saved));
  return { scan, ...saved };
}

// ── The figures ───────────────────────────────────────────────────────────────────────────

/**
 * @param {{ root: string, corpus: string, quick: boolean, log?: (s: string) => void }} options
 * @returns {Promise<Array<{ name: string, value: number, unit: string, target: string, met: boolean, detail: string }>>}
 */
export async function authzBenchRows({ root, corpus, quick, log = console.log }) {
  const rows = [];
  const load = () => {
    const [a, b, c] = loadavg();
    return `; load average ${a.toFixed(2)}, ${b.toFixed(2)}, ${c.toFixed(2)} (1/5/15 min, as uptime) on ${cpus().length} cores`;
  };
  const row = (name, value, unit, target, met, detail) => rows.push({ name, value: round2(value), unit, target, met, detail: detail + load() });
  const work = join(corpus, 'authz');
  mkdirSync(work, { recursive: true });

  // The lint runners, bundled once; the tree-sitter wasm files next to them (as in dist/).
  if (!existsSync(join(root, 'dist', 'wasm', 'tree-sitter.wasm'))) exec('node', ['scripts/build.mjs'], { cwd: root });
  const { buildSync } = createRequire(join(root, 'package.json'))('esbuild');
  const bundle = (entry, out) =>
    buildSync({ entryPoints: [join(root, 'bench', 'lib', entry)], outfile: join(work, out), bundle: true, platform: 'node', format: 'cjs', minify: true, mainFields: ['module', 'main'], logLevel: 'error' });
  bundle('authz-runner.mjs', 'authz-runner.cjs');
  bundle('authz-relint.mjs', 'authz-relint.cjs');
  cpSync(join(root, 'dist', 'wasm'), join(work, 'wasm'), { recursive: true });
  const runner = join(work, 'authz-runner.cjs');

  // Corpus and ESLint.
  const size = quick ? 'quick' : 'full';
  const corpusDir = join(corpus, 'authz-corpus');
  const fresh = ensureInstall(corpusDir, CORPUS_PACKAGES, `the authorization-lint corpus (${Object.keys(CORPUS_PACKAGES).length} MCP packages and their dependencies)`, log);
  const tree = ensureScanTree(corpusDir, size, fresh);
  const toolDir = join(corpus, 'authz-eslint');
  ensureInstall(toolDir, ESLINT, `ESLint ${ESLINT.eslint} + @typescript-eslint/parser ${ESLINT['@typescript-eslint/parser']}`, log);
  const config = join(toolDir, 'eslint.config.mjs');
  writeFileSync(config, [
    "import tsParser from '@typescript-eslint/parser';",
    '// Parse only: the typescript-eslint parser on every JS/TS file, no rules, no type information.',
    'export default [',
    "  { files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: { parser: tsParser }, linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' }, rules: {} },",
    '];',
    '',
  ].join('\n'));
  const mb = tree.bytes / 1024 / 1024;
  const exts = top(tree.byExt, 8);
  log(`Authorization lint: ${tree.files} files (${exts}), ${mb.toFixed(0)} MB, ${tree.packages} packages (${size} corpus) …`);

  // (1) Lint vs parse only, in one process, texts in memory.
  {
    const times = quick ? 3 : 5;
    const r = JSON.parse(exec('node', [runner, 'compare', tree.scan, String(times)], { cwd: root }).stdout);
    const ratio = r.lintMedianMs / r.parseMedianMs;
    const langs = top(r.byLanguage, 5);
    row('authz-lint-vs-parse-only', ratio, 'x', '<= 1.5', ratio <= 1.5,
      `lintAuthorization over ${r.projects} projects (one per package root, framework mcp-sdk) ${fmt(r.lintMedianMs)} vs tree-sitter parse (parseSource + delete, nothing else) of the same ${r.parsedFiles} files (${langs}; ${(r.parsedBytes / 1024 / 1024).toFixed(1)} MB) ${fmt(r.parseMedianMs)}, ` +
        `median of ${times} after a warm-up, one process, texts in memory; ${r.files} files read (${tree.packages} packages of the ${size} corpus, ${exts}), ${r.files - r.parsedFiles} skipped by the source budget (minified / over 2 MB) and not parsed by either side; ` +
        `of the lint's time, parse + discovery facts (withSourceFacts with a no-op callback) ${fmt(r.sourceFactsMedianMs)}, authz facts + resolution the rest; ` +
        `lint samples ${r.lintMs.map((m) => fmt(m)).join(', ')}, parse samples ${r.parseMs.map((m) => fmt(m)).join(', ')}; ` +
        `${r.findings} findings (${top(r.rules) || 'none'}), verdicts ${top(r.verdicts) || 'none'}` +
        (ratio <= 1.5 ? '' : `; target not met: the lint adds ${fmt(r.lintMedianMs - r.parseMedianMs)} of fact extraction and resolution on top of the parse`));
  }

  // (2) ESLint (typescript-eslint parser, no rules) vs our lint, JS/TS files, each a new process.
  {
    const times = quick ? 1 : 3;
    // Ours is cheap: three runs even in --quick, so one disturbed run does not decide the figure.
    const oursTimes = Math.max(times, 3);
    const ours = timeMedian('node', [runner, 'lint', tree.scan, '--js-only'], oursTimes, { cwd: root });
    const found = JSON.parse(ours.stdout);
    const eslintArgs = [join(toolDir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '-c', config, '--no-warn-ignored', '-f', 'json', '.'];
    const eslint = timeMedian('node', eslintArgs, times, { cwd: tree.scan, ok: [0, 1] });
    let eslintFiles = '?';
    let parseErrors = '?';
    try {
      const report = JSON.parse(eslint.stdout);
      eslintFiles = report.length;
      parseErrors = report.filter((f) => f.messages.some((m) => m.fatal)).length;
    } catch {
      // An unreadable report is no reason to fail the figure.
    }
    const ratio = eslint.ms / ours.ms;
    const cpu = Number.isNaN(eslint.cpuMs) || Number.isNaN(ours.cpuMs) ? '' : `; by CPU time (user + sys) ${round2(eslint.cpuMs / ours.cpuMs)}x`;
    row('authz-lint-vs-eslint', ratio, 'x', '>= 3', ratio >= 3,
      `ESLint ${ESLINT.eslint} + @typescript-eslint/parser ${ESLINT['@typescript-eslint/parser']} (generated flat config, no rules; a new process) ${fmtT(eslint)} vs our lint (bundled runner: walk, read, lintAuthorization over ${found.projects} projects; a new process) ${fmtT(ours)}, ` +
        `median of ${times} (ESLint) / ${oursTimes} (ours) after a warm-up, over the same ${tree.jsFiles} JS/TS files (${(found.bytes / 1024 / 1024).toFixed(1)} MB); ESLint linted ${eslintFiles} files (${parseErrors} with a parse error); ours read ${found.files}, skips minified / over-budget files (ESLint parses them)${cpu}` +
        (ratio >= 3 ? '' : '; target not met'));
  }

  // (3) Re-lint of one open 3,000-line server after each keystroke.
  {
    const times = 200;
    const r = JSON.parse(exec('node', [join(work, 'authz-relint.cjs'), String(times), '10'], { cwd: root }).stdout);
    row('authz-relint-latency', r.medianMs, 'ms', '< 30', r.medianMs < 30,
      `lintAuthorizationDocument() in one warm process, ${times} re-lints after a one-character edit each (10 warm-up), generated TS SDK v1 server of ${r.lines} lines / ${(r.bytes / 1024).toFixed(0)} KB with ${r.tools} tools (HTTP transport) and a helper in a sibling file: ` +
        `median ${r.medianMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms; breakdown: the parse alone ${r.parseMs.toFixed(1)} ms, parse + discovery facts ${r.sourceFactsMs.toFixed(1)} ms (medians of 15); the full lintAuthorization first ${r.fullMs.toFixed(0)} ms (cold: includes wasm/grammar load); ${r.findings} findings per re-lint, verdicts ${top(r.verdicts)}` +
        (r.medianMs < 30 ? '' : '; target not met'));
  }
  return rows;
}

// Alone: `node bench/authz.mjs [--quick]` prints the rows (does not touch bench/results.json).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const rows = await authzBenchRows({ root, corpus: join(root, 'bench', '.corpus'), quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name}  ${r.value} ${r.unit}  target ${r.target}  ${r.met ? 'met' : 'NOT met'}\n  ${r.detail}`);
}
