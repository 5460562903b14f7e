// `npm run bench` — prints the figures the issues ask for, each as a ratio against a baseline
// measured in the same run where one exists, and writes bench/results.json.
//   npm run bench               full corpus
//   npm run bench -- --quick    smaller corpus, well under two minutes
// Timing: each command runs a few times after a warm-up; the median counts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree } from './lib/gen-tree.mjs';
import { secretBenchRows } from './secrets.mjs';
import { authzBenchRows } from './authz.mjs';
import { matrixBenchRows } from './matrix.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const corpus = join(root, 'bench', '.corpus');
const rows = [];

function run(cmd, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: root, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8', ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr?.slice(0, 500)}`);
  return { ms, stdout: result.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeMedian(cmd, args, times, options) {
  run(cmd, args, options); // warm-up (file cache, wasm compile cache)
  const samples = [];
  let last;
  for (let i = 0; i < times; i++) {
    last = run(cmd, args, options);
    samples.push(last.ms);
  }
  return { ms: median(samples), stdout: last.stdout };
}

function row(name, value, unit, target, met, detail) {
  rows.push({ name, value: Math.round(value * 100) / 100, unit, target, met, detail });
}

// ---------------------------------------------------------------------------------------------
console.log('Building (production) …');
run('node', ['scripts/build.mjs', '--production']);

// Discovery on a generated tree vs `rg --files` over the same tree.
{
  const size = quick ? { projects: 40, filesTarget: 10_000 } : { projects: 200, filesTarget: 50_000 };
  const tree = join(corpus, `tree-${size.filesTarget}`);
  mkdirSync(tree, { recursive: true });
  console.log(`Generating ${size.filesTarget} files, ${size.projects} projects …`);
  const { files } = generateTree(tree, size);
  const times = quick ? 3 : 5;
  const rg = timeMedian('rg', ['--files', '--hidden', '--no-require-git', tree], times);
  const ours = timeMedian('node', ['dist/cli.js', 'discover', tree, '--format', 'json'], times);
  const found = JSON.parse(ours.stdout);
  const tools = found.servers.reduce((n, s) => n + s.tools.length, 0);
  const ratio = ours.ms / rg.ms;
  row('discovery-cli-vs-rg-files', ratio, 'x', '<= 2', ratio <= 2,
    `mcp-secure discover (a new Node process: startup, wasm compile, walk, parse) ${ours.ms.toFixed(0)} ms vs rg --files ${rg.ms.toFixed(0)} ms (median of ${times}) on ${files} files; found ${found.servers.length} servers, ${tools} tools, ${found.configs.length} configs; rg listed ${rg.stdout.split('\n').length - 1} files`);
  // What the extension does on every refresh: discovery inside a running process.
  const inProcess = JSON.parse(run('node', ['bench/lib/discover-in-process.cjs', tree, String(times)]).stdout);
  const inRatio = inProcess.medianMs / rg.ms;
  row('discovery-in-process-vs-rg-files', inRatio, 'x', '<= 2', inRatio <= 2,
    `discover() in a warm process (as the extension re-runs it) ${inProcess.medianMs.toFixed(0)} ms, of which the walk ${inProcess.walkMs.toFixed(0)} ms, vs rg --files ${rg.ms.toFixed(0)} ms`);
}

// Secret detection: engine vs secretlint and vs rg over a real node_modules; live re-scan latency.
for (const r of await secretBenchRows({ root, corpus, quick })) row(r.name, r.value, r.unit, r.target, r.met, r.detail);

// Authorization lint: vs a parse-only baseline and vs ESLint over real MCP packages; live re-lint latency.
for (const r of await authzBenchRows({ root, corpus, quick })) row(r.name, r.value, r.unit, r.target, r.met, r.detail);

// Principal matrix: the harness (CLI) vs the MCP Inspector CLI, one invocation per cell, over stdio and Streamable HTTP.
for (const r of await matrixBenchRows({ root, corpus, quick })) row(r.name, r.value, r.unit, r.target, r.met, r.detail);

// Bundle size and activation time.
{
  const bytes = statSync(join(root, 'dist', 'extension.js')).size;
  row('extension-bundle-size', bytes / 1024, 'KB', 'report', true, 'dist/extension.js, production build (minified)');
  const samples = [];
  for (let i = 0; i < 7; i++) {
    const { stdout } = run('node', ['bench/lib/activation.cjs']);
    const { requireMs, activateMs } = JSON.parse(stdout);
    samples.push(requireMs + activateMs);
  }
  const ms = median(samples);
  row('extension-activation', ms, 'ms', '< 50', ms < 50, `require(dist/extension.js) + activate() in a fresh Node process with a stub vscode module, median of ${samples.length}`);
}

// ---------------------------------------------------------------------------------------------
mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(rows, null, 2) + '\n');
const width = Math.max(...rows.map((r) => r.name.length));
console.log('\nfigure'.padEnd(width + 2) + '  value        target   met  detail');
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}  ${`${r.value} ${r.unit}`.padEnd(11)}  ${r.target.padEnd(7)}  ${r.met ? 'yes' : 'NO '}  ${r.detail}`);
}
console.log('\nwritten: bench/results.json');
