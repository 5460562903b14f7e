// Secret-detection figures for `npm run bench` (called by bench/run.mjs; also runs alone:
// `node bench/secrets.mjs [--quick]`).
//
//   secret-scan-vs-secretlint    secretlint (recommended preset) time / `mcp-secure scan --all-files` time, same files
//   secret-scan-vs-rg-patterns   `mcp-secure scan --all-files` time / rg running our provider regexes, same files
//   document-rescan-latency      scanDocument() on a 5,000-line open document after each keystroke
//
// The corpus is a real node_modules installed from the npm registry (pinned top-level
// packages; a one-time install, cached in bench/.corpus/secrets-corpus/<size>/ and reused while
// the package list is the same). Its eligible files (.js/.ts/.json/.md/.yml/.env … up to 1 MiB)
// are hard-linked into one folder, `scan/`, with every `node_modules` path segment renamed to
// `m` (secretlint always skips node_modules): each tool is then pointed at that folder with its
// ignore files off, so all three read exactly the same files. Every command runs as a new
// process (start-up included for all), once as a warm-up, then `times` times; the median counts.
// Our side is the CLI (dist/cli.js, `scan --all-files --no-ignore`); the engine runner
// (bench/lib/secrets-runner.mjs) gives the engine-alone figure and the patterns for rg.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exec, median, timeMedian } from './lib/timing.mjs';
import { ensureInstall } from './lib/install.mjs';
import { prng } from './lib/prng.mjs';

const SECRETLINT = { secretlint: '13.0.6', '@secretlint/secretlint-rule-preset-recommend': '13.1.0' };

/** Top-level packages of each corpus; their dependencies come with them. */
const QUICK_PACKAGES = {
  typescript: '5.9.3',
  lodash: '4.17.21',
  rxjs: '7.8.2',
  moment: '2.31.0',
  'date-fns': '4.4.0',
  webpack: '5.112.2',
};
const FULL_PACKAGES = {
  ...QUICK_PACKAGES,
  'aws-sdk': '2.1693.0',
  'monaco-editor': '0.57.0',
  three: '0.187.0',
  'core-js': '3.51.0',
  eslint: '10.15.0',
  prettier: '3.10.1',
  '@babel/core': '8.1.3',
  'react-dom': '19.3.1',
  'pdfjs-dist': '6.5.438',
  'playwright-core': '1.65.1',
  firebase: '13.2.0',
};

/** The files every tool scans: text a secret could sit in, at most 1 MiB (secretlint and rg read the same list). */
const EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '.json', '.md', '.yml', '.yaml', '.env']);
const MAX_FILE_BYTES = 1024 * 1024;
const eligible = (name) => (EXTENSIONS.has(extname(name).toLowerCase()) || /^\.env(\.|$)/.test(name)) && !/^\.secretlint/.test(name);

// ── Processes and timing ──────────────────────────────────────────────────────────────────

/** GNU time, when installed, adds each child's CPU time (user + sys): steadier than wall time on a busy machine. */

/** `1.9 s (CPU 1.7 s)`: wall time, and the CPU time when known. */
const fmtT = (t) => (Number.isNaN(t.cpuMs) ? fmt(t.ms) : `${fmt(t.ms)} (CPU ${fmt(t.cpuMs)})`);
/** `; by CPU time 1.3x`: the same ratio from CPU times, when both are known. */
const cpuRatio = (a, b) => (Number.isNaN(a.cpuMs) || Number.isNaN(b.cpuMs) ? '' : `; by CPU time (user + sys) ${round2(a.cpuMs / b.cpuMs)}x`);
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const round2 = (v) => Math.round(v * 100) / 100;

// ── Installs (npm registry only, into bench-owned folders) ────────────────────────────────

/** `npm install` of exact versions into `dir`, skipped when `dir` already holds the same list. */


/**
 * Fake credentials in formats both tools know (GitHub, Slack, AWS key pair, SendGrid, npm,
 * a PEM private key), planted in a few files of the scan folder so that the finding counts
 * show each tool does find things in this corpus. Returns how many secrets were planted.
 */
function plantSecrets(scan) {
  const rand = prng(0xbe11);
  const pick = (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const B64 = `${AN}+/`;
  const pem = () => `-----BEGIN RSA PRIVATE KEY-----\n${Array.from({ length: 12 }, () => pick(B64, 64)).join('\n')}\n-----END RSA PRIVATE KEY-----`;
  let planted = 0;
  for (let i = 0; i < 12; i++) {
    const gh = `ghp_${pick(AN, 36)}`;
    const slack = `xoxb-${pick('0123456789', 12)}-${pick('0123456789', 13)}-${pick(AN, 24)}`;
    const akid = `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
    const sg = `SG.${pick(AN, 22)}.${pick(AN, 43)}`;
    const npm = `npm_${pick(AN, 36)}`;
    const dir = join(scan, 'planted', `app${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.env'), `# local settings\nGITHUB_TOKEN=${gh}\nSLACK_BOT_TOKEN=${slack}\nAWS_ACCESS_KEY_ID=${akid}\nLOG_LEVEL=debug\n`);
    writeFileSync(join(dir, 'config.ts'), `export const config = {\n  sendgridKey: '${sg}',\n  registryToken: '${npm}',\n  retries: 3,\n};\n`);
    writeFileSync(join(dir, 'key.md'), `# Deploy key\n\n\`\`\`\n${pem()}\n\`\`\`\n`);
    planted += 6;
  }
  return planted;
}

/** Hard-links the eligible files of `dir/node_modules` into `dir/scan` (node_modules segments → `m`). */
function ensureScanTree(dir, fresh) {
  const scan = join(dir, 'scan');
  const countFile = join(dir, '.bench-scan.json');
  const version = 2;
  if (!fresh && existsSync(countFile)) {
    const saved = JSON.parse(readFileSync(countFile, 'utf8'));
    if (saved.version === version) return { scan, ...saved };
  }
  rmSync(scan, { recursive: true, force: true });
  const from = join(dir, 'node_modules');
  let files = 0;
  let bytes = 0;
  const stack = [from];
  while (stack.length > 0) {
    const folder = stack.pop();
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) stack.push(path);
      if (!entry.isFile() || !eligible(entry.name)) continue; // symlinks (.bin) are not followed
      const size = statSync(path).size;
      if (size === 0 || size > MAX_FILE_BYTES) continue;
      const target = join(scan, 'm', ...relative(from, path).split('/').map((s) => (s === 'node_modules' ? 'm' : s)));
      mkdirSync(dirname(target), { recursive: true });
      try {
        linkSync(path, target);
      } catch {
        copyFileSync(path, target);
      }
      files++;
      bytes += size;
    }
  }
  const planted = plantSecrets(scan);
  for (const f of readdirSync(join(scan, 'planted'), { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    files++;
    bytes += statSync(join(f.parentPath ?? f.path, f.name)).size;
  }
  writeFileSync(countFile, JSON.stringify({ version, files, bytes, planted }));
  return { scan, files, bytes, planted };
}

// ── rg patterns from the provider rules ───────────────────────────────────────────────────

/**
 * A JS regex source as a pattern rg accepts. `\d`/`\w` become their ASCII classes (JS meaning,
 * not Unicode), `\/` becomes `/`. With `lookaround: false` (rg's default engine, which has no
 * look-around) the leading look-behind and trailing look-ahead are dropped: a looser pattern.
 */
export function toRgPattern(source, { lookaround }) {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[++i];
      if (n === 'd') out += inClass ? '0-9' : '[0-9]';
      else if (n === 'w') out += inClass ? 'A-Za-z0-9_' : '[A-Za-z0-9_]';
      else if (n === '/') out += '/';
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    }
    out += c;
  }
  return lookaround ? out : out.replace(/\(\?<?[!=](?:\[(?:\\.|[^\]\\])*\]|\\.|[^()[\\])*\)/g, '');
}

/** Sum of `path:count` lines of `rg --count-matches`. */
const rgCount = (stdout) => stdout.split('\n').reduce((n, line) => n + (Number(line.slice(line.lastIndexOf(':') + 1)) || 0), 0);

// ── The figures ───────────────────────────────────────────────────────────────────────────

/**
 * @param {{ root: string, corpus: string, quick: boolean, log?: (s: string) => void }} options
 * @returns {Promise<Array<{ name: string, value: number, unit: string, target: string, met: boolean, detail: string }>>}
 */
export async function secretBenchRows({ root, corpus, quick, log = console.log }) {
  const rows = [];
  // Other work on the machine disturbs wall times: each row says how busy it was.
  const load = () => `; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
  const row = (name, value, unit, target, met, detail) => rows.push({ name, value: round2(value), unit, target, met, detail: detail + load() });
  const work = join(corpus, 'secrets');
  mkdirSync(work, { recursive: true });

  // Our engine and the rescan loop, bundled once (the timed processes do no TypeScript work).
  const { buildSync } = createRequire(join(root, 'package.json'))('esbuild');
  const bundle = (entry, out) =>
    buildSync({ entryPoints: [join(root, 'bench', 'lib', entry)], outfile: join(work, out), bundle: true, platform: 'node', format: 'cjs', minify: true, mainFields: ['module', 'main'], logLevel: 'error' });
  bundle('secrets-runner.mjs', 'secrets-runner.cjs');
  bundle('secrets-scan.mjs', 'secrets-scan.cjs'); // the engine half, loaded by the runner and its workers
  bundle('secrets-rescan.mjs', 'secrets-rescan.cjs');
  const runner = join(work, 'secrets-runner.cjs');

  // Corpus and secretlint.
  const size = quick ? 'quick' : 'full';
  const corpusDir = join(corpus, 'secrets-corpus', size);
  const packages = quick ? QUICK_PACKAGES : FULL_PACKAGES;
  const fresh = ensureInstall(corpusDir, packages, `the ${size} secret-scan corpus (${Object.keys(packages).length} packages and their dependencies)`, log);
  const tree = ensureScanTree(corpusDir, fresh);
  const toolDir = join(corpus, 'secretlint-tool');
  ensureInstall(toolDir, SECRETLINT, `secretlint ${SECRETLINT.secretlint} + preset-recommend ${SECRETLINT['@secretlint/secretlint-rule-preset-recommend']}`, log);
  const rc = join(toolDir, '.secretlintrc.json');
  // Written only when missing or different: the tool folder may be a shared, read-only copy.
  const rcText = JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }, null, 2) + '\n';
  if (!existsSync(rc) || readFileSync(rc, 'utf8') !== rcText) writeFileSync(rc, rcText);
  const mb = tree.bytes / 1024 / 1024;
  const times = 3;
  log(`Secret scan: ${tree.files} files, ${mb.toFixed(0)} MB (${size} corpus) …`);

  // Ours: the CLI, `mcp-secure scan --all-files --no-ignore` (every file, node_modules-style
  // folders entered, .gitignore disregarded: the same files secretlint and rg read). A warm-up
  // also fills the page cache for everyone. The engine alone (the runner, one thread: no
  // discovery, no reporting) is reported beside it, and must find the same.
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) exec('node', ['scripts/build.mjs', '--production'], { cwd: root });
  const scanArgs = [cli, 'scan', '--all-files', '--no-ignore', '--no-git', '--format', 'json', tree.scan];
  const ours = timeMedian('node', scanArgs, times, { cwd: root, ok: [0, 1] });
  const report = JSON.parse(ours.stdout);
  const secretFindings = report.findings.filter((f) => f.category === 'secret');
  // Every file is read once: .env files by the dotenv reader (there are no MCP configs or
  // server projects in a node_modules), all the others by --all-files.
  const dotenv = readdirSync(tree.scan, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^\.env(\.|$)|.\.env$/.test(e.name)).length;
  if (report.sweep?.files + dotenv !== tree.files) {
    throw new Error(`mcp-secure scan read ${report.sweep?.files} + ${dotenv} .env files for secrets, expected ${tree.files}: ${report.problems.map((p) => p.message).join('; ')}`);
  }
  const engine = exec('node', [runner, tree.scan, '--jobs', '1'], { cwd: root });
  const found = JSON.parse(engine.stdout);
  if (found.files !== tree.files) throw new Error(`engine runner read ${found.files} files, expected ${tree.files}`);
  if (found.findings !== secretFindings.length) throw new Error(`mcp-secure scan found ${secretFindings.length} secrets, the engine alone ${found.findings}`);
  const topDetectors = Object.entries(found.byDetector).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([d, n]) => `${d} ${n}`).join(', ');

  // secretlint, recommended preset. The warm-up writes a JSON report: it shows which files it read.
  const lintReport = join(work, 'secretlint-report.json');
  const lintArgs = (format, extra = []) => [join(toolDir, 'node_modules', 'secretlint', 'bin', 'secretlint.js'), '**/*', '--secretlintrc', rc, '--no-gitignore', '--no-color', '--no-terminalLink', '--format', format, ...extra];
  exec('node', lintArgs('json', ['--output', lintReport]), { cwd: tree.scan, ok: [0, 1] });
  let lintFiles = '?';
  const lintRules = {};
  try {
    const parsed = JSON.parse(readFileSync(lintReport, 'utf8'));
    lintFiles = parsed.length;
    for (const file of parsed) {
      for (const m of file.messages) {
        const rule = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
        lintRules[rule] = (lintRules[rule] ?? 0) + 1;
      }
    }
  } catch {
    // A report too big to read back is no reason to fail the figure.
  } finally {
    rmSync(lintReport, { force: true });
  }
  const lint = timeMedian('node', lintArgs('unix'), times, { cwd: tree.scan, ok: [0, 1] });
  const lintFindings = lint.stdout.split('\n').filter((l) => /:\d+:\d+: /.test(l)).length;
  const lintTop = Object.entries(lintRules).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([d, n]) => `${d} ${n}`).join(', ');
  const lintRatio = lint.ms / ours.ms;
  row('secret-scan-vs-secretlint', lintRatio, 'x', '>= 10', lintRatio >= 10,
    `secretlint ${SECRETLINT.secretlint} (preset-recommend, a new process) ${fmtT(lint)} vs \`mcp-secure scan --all-files --no-ignore --no-git --format json\` ${fmtT(ours)} (dist/cli.js, a new process: discovery, then every file read for secrets, JSON report), ` +
      `median of ${times} after a warm-up, over the same ${tree.files} files / ${mb.toFixed(0)} MB of a real node_modules (${Object.keys(packages).length} top-level packages); ` +
      `the engine alone on one thread (bench/lib/secrets-runner.mjs: no discovery, no report; one run) ${fmtT(engine)}, ${round2(lint.ms / engine.ms)}x; ` +
      `findings (${tree.planted} fake credentials planted in 36 of the files): ours ${secretFindings.length}${topDetectors ? ` (${topDetectors})` : ''}, secretlint ${lintFindings}${lintTop ? ` (${lintTop})` : ''}; secretlint read ${lintFiles} files${cpuRatio(lint, ours)}` +
      (lintRatio >= 10 ? '' : `; target not met: we scan at ${(mb / (ours.ms / 1000)).toFixed(1)} MB/s, secretlint at ${(mb / (lint.ms / 1000)).toFixed(1)} MB/s`));

  // rg with our provider regexes: PCRE2 (-P) runs them as written, look-arounds included.
  const patterns = JSON.parse(exec('node', [runner, '--patterns'], { cwd: root }).stdout);
  const pcreFile = join(work, 'patterns-pcre2.txt');
  const rustFile = join(work, 'patterns-default.txt');
  writeFileSync(pcreFile, patterns.map((p) => toRgPattern(p.source, { lookaround: true })).join('\n') + '\n');
  writeFileSync(rustFile, patterns.map((p) => toRgPattern(p.source, { lookaround: false })).join('\n') + '\n');
  const rgBase = ['--no-ignore', '--hidden', '--no-config', '--count-matches', '--no-messages'];
  const rgArgs = (extra) => [...rgBase, ...extra, tree.scan];
  const rgFiles = exec('rg', ['--files', '--no-ignore', '--hidden', '--no-config', tree.scan]).stdout.split('\n').filter(Boolean).length;
  const rgP = timeMedian('rg', rgArgs(['-P', '-f', pcreFile]), times, { ok: [0, 1] });
  // Single-threaded, for a like-for-like figure (our engine uses one core): one run, the cache is warm by now.
  const rgP1 = exec('rg', rgArgs(['-j1', '-P', '-f', pcreFile]), { ok: [0, 1] });
  const rgD = timeMedian('rg', rgArgs(['--regex-size-limit', '1G', '--dfa-size-limit', '1G', '-f', rustFile]), times, { ok: [0, 1] });
  const rgRatio = ours.ms / rgP.ms;
  row('secret-scan-vs-rg-patterns', rgRatio, 'x', '<= 2', rgRatio <= 2,
    `mcp-secure scan --all-files ${fmtT(ours)} vs rg -P (PCRE2, our ${patterns.length} provider regexes as written, look-arounds included; 2 threads) ${fmtT(rgP)}, median of ${times}, same ${rgFiles} files / ${mb.toFixed(0)} MB; ` +
      `rg -P -j1 (one run) ${fmtT(rgP1)} (ours ${round2(ours.ms / rgP1.ms)}x); rg default engine with look-arounds dropped ${fmtT(rgD)} (ours ${round2(ours.ms / rgD.ms)}x); ` +
      `matches: rg -P ${rgCount(rgP.stdout)}, rg default ${rgCount(rgD.stdout)}, ours ${secretFindings.length} after entropy/placeholder checks (ours also runs the generic secret-name, URL-password and context rules, which rg does not)${cpuRatio(ours, rgP)}` +
      (rgRatio <= 2 ? '' : '; target not met'));

  // Re-scan of one open 5,000-line document after each keystroke.
  const rescanTimes = 200;
  const rescan = JSON.parse(exec('node', [join(work, 'secrets-rescan.cjs'), String(rescanTimes), '20'], { cwd: root }).stdout);
  const [slowName, slow] = Object.entries(rescan).sort((a, b) => b[1].medianMs - a[1].medianMs)[0];
  const docs = Object.entries(rescan)
    .map(([name, r]) => `${name} (${r.lines} lines, ${(r.bytes / 1024).toFixed(0)} KB, ${r.findings} findings): median ${r.medianMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms`)
    .join('; ');
  row('document-rescan-latency', slow.medianMs, 'ms', '< 10', slow.medianMs < 10,
    `scanDocument() in one warm process, ${rescanTimes} re-scans after a one-character edit each (20 warm-up); the slower document counts (${slowName}). ${docs}` + (slow.medianMs < 10 ? '' : '; target not met'));

  return rows;
}

// Alone: `node bench/secrets.mjs [--quick]` prints the rows (does not touch bench/results.json).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const rows = await secretBenchRows({ root, corpus: join(root, 'bench', '.corpus'), quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name}  ${r.value} ${r.unit}  target ${r.target}  ${r.met ? 'met' : 'NOT met'}\n  ${r.detail}`);
}
