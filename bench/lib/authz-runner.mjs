// The lint side of `authz-lint-vs-parse-only` and `authz-lint-vs-eslint`. bench/authz.mjs bundles
// this with esbuild (the tree-sitter wasm files sit next to the bundle in wasm/) so the timed
// process does no TypeScript work.
//
//   node authz-runner.cjs lint <folder> [--js-only]
//       A new process per run (the eslint comparison): walks <folder>, reads each source file,
//       builds one ServerProject per package root (framework 'mcp-sdk', sources = its files)
//       and calls lintAuthorization. --js-only: the .js/.ts/.mjs/.cjs… files only (what ESLint
//       reads). Prints one JSON line: files, bytes, projects, findings, verdicts.
//
//   node authz-runner.cjs compare <folder> <times> [maxFiles]
//       In one process, texts already in memory (no disk reads timed): a warm-up of each, then
//       `times` rounds of (full lintAuthorization over all projects) and (parseSource + delete
//       for every file the lint parses, nothing else); prints the medians and samples.
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { clearAuthorizationCache, lintAuthorization } from '../../src/core/authz/index.ts';
import { parseSource, languageForFile } from '../../src/core/parse/treeSitter.ts';
import { budgetProblem, SOURCE_LIMITS, withSourceFacts } from '../../src/core/projects/source.ts';

export const LINT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.py', '.go']);
export const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/** Source files under `root` (sorted), and the package roots (folders with a package.json). */
export function walk(root, extensions) {
  const files = [];
  const manifests = new Set();
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) {
        if (entry.name === 'package.json') manifests.add(dir);
        if (extensions.has(extname(entry.name).toLowerCase())) files.push(path);
      }
    }
  }
  files.sort();
  return { files, manifests };
}

/**
 * One project per package root: the package folder right below a `m/` (renamed node_modules)
 * segment, `m/name` or `m/@scope/name`. Nested package.json files (`dist/esm/package.json`
 * with only "type") do not split a package. Files outside any package root are left out.
 */
export function projectsFor(root, files, manifests) {
  const byRoot = new Map();
  for (const file of files) {
    const parts = file.slice(root.length + 1).split(sep);
    let pkg;
    for (let i = parts.length - 2; i >= 0; i--) {
      if (parts[i] !== 'm') continue;
      const depth = parts[i + 1]?.startsWith('@') ? 3 : 2;
      if (i + depth >= parts.length) continue;
      const candidate = join(root, ...parts.slice(0, i + depth));
      if (manifests.has(candidate)) { pkg = candidate; break; }
    }
    if (!pkg) continue;
    let list = byRoot.get(pkg);
    if (!list) byRoot.set(pkg, (list = []));
    list.push(file);
  }
  return [...byRoot].map(([pkgRoot, sources]) => ({
    root: pkgRoot, manifest: join(pkgRoot, 'package.json'),
    language: sources.some((f) => /\.[mc]?ts$/.test(f)) ? 'typescript' : 'javascript',
    framework: 'mcp-sdk', transports: [], tools: [], sources, problems: [],
  }));
}

const SETTINGS = { authorizationFunctions: [] };

async function lintOnce(root, servers, readFile) {
  clearAuthorizationCache();
  const started = process.hrtime.bigint();
  const result = await lintAuthorization({ root, servers, readFile, settings: SETTINGS });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

/** What the lint parses: a grammar for the extension and within the source budget (no minified files). */
function parsedByLint(file, text) {
  return languageForFile(file) !== undefined && budgetProblem(file, text) === undefined;
}

async function parseOnce(entries) {
  const started = process.hrtime.bigint();
  let failed = 0;
  for (const [file, text] of entries) {
    const tree = await parseSource(languageForFile(file), text, { timeoutMs: SOURCE_LIMITS.parseTimeoutMs });
    if (tree) tree.delete(); else failed++;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, failed };
}

/** Parse + the discovery facts (extractSourceFacts), no authz facts: where the lint's extra time goes. */
async function sourceFactsOnce(entries) {
  const started = process.hrtime.bigint();
  for (const [file, text] of entries) await withSourceFacts(file, text, () => 0, { framework: 'mcp-sdk' });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function summary(servers, result, files, bytes) {
  const verdicts = {};
  for (const v of result.verdicts) verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;
  const rules = {};
  for (const f of result.findings) rules[f.ruleId] = (rules[f.ruleId] ?? 0) + 1;
  return { files, bytes, projects: servers.length, findings: result.findings.length, rules, verdicts };
}

async function main() {
  const [mode, folder, arg3, arg4] = process.argv.slice(2);
  if (mode === 'lint') {
    const { files, manifests } = walk(folder, process.argv.includes('--js-only') ? JS_EXTENSIONS : LINT_EXTENSIONS);
    const servers = projectsFor(folder, files, manifests);
    let bytes = 0;
    let read = 0;
    const readFile = async (p) => {
      const text = readFileSync(p, 'utf8');
      bytes += text.length;
      read++;
      return text;
    };
    const { result } = await lintOnce(folder, servers, readFile);
    process.stdout.write(JSON.stringify(summary(servers, result, read, bytes)) + '\n');
    return;
  }
  if (mode === 'compare') {
    const times = Number(arg3 ?? 3);
    const maxFiles = arg4 ? Number(arg4) : Infinity;
    let { files, manifests } = walk(folder, LINT_EXTENSIONS);
    let servers = projectsFor(folder, files, manifests);
    if (files.length > maxFiles) {
      // --quick: whole packages, in path order, until maxFiles.
      const kept = [];
      let n = 0;
      for (const s of servers) {
        if (n >= maxFiles) break;
        kept.push(s);
        n += s.sources.length;
      }
      servers = kept;
    }
    const texts = new Map();
    let bytes = 0;
    for (const s of servers) for (const f of s.sources) {
      const text = readFileSync(f, 'utf8');
      texts.set(f, text);
      bytes += text.length;
    }
    const readFile = async (p) => texts.get(p);
    const parsed = [...texts].filter(([f, t]) => parsedByLint(f, t));
    const byLanguage = {};
    for (const [f] of parsed) byLanguage[languageForFile(f)] = (byLanguage[languageForFile(f)] ?? 0) + 1;
    const parsedBytes = parsed.reduce((n, [, t]) => n + t.length, 0);
    // Warm-up: wasm compile, grammar loads, JIT.
    const warmLint = await lintOnce(folder, servers, readFile);
    await parseOnce(parsed);
    await sourceFactsOnce(parsed);
    const lintMs = [];
    const parseMs = [];
    const factsMs = [];
    let failed = 0;
    for (let i = 0; i < times; i++) {
      // Alternate so load changes on the machine hit both sides alike.
      const p = await parseOnce(parsed);
      parseMs.push(p.ms);
      failed = p.failed;
      lintMs.push((await lintOnce(folder, servers, readFile)).ms);
      factsMs.push(await sourceFactsOnce(parsed));
    }
    process.stdout.write(JSON.stringify({
      ...summary(servers, warmLint.result, texts.size, bytes),
      parsedFiles: parsed.length, parsedBytes, byLanguage, parseTimeouts: failed,
      lintMedianMs: median(lintMs), parseMedianMs: median(parseMs), sourceFactsMedianMs: median(factsMs), lintMs, parseMs,
    }) + '\n');
    return;
  }
  throw new Error('usage: authz-runner.cjs lint <folder> [--js-only] | compare <folder> <times> [maxFiles]');
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(2);
});
