// Lints one installed npm package with the project's core, in its own process (so the test can
// end it when it overruns its time budget), and prints one JSON line on stdout.
//
//   node --import tsx test/integration/lib/authz-npm-runner.ts <package-dir> [--name N]
//
// The package is one server project, the way bench/lib/authz-runner.mjs builds them: its own
// .js/.mjs/.cjs/.ts files (no nested node_modules, no .d.ts, no tests), the framework its
// package.json declares. Discovery proper (src/core/discovery) never reads `dist/` (build
// output), where published packages keep their code, so the tools are taken from the same
// extraction discovery uses (analyzeSourceText + projectRegistrations) over these files.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { clearAuthorizationCache, lintAuthorization } from '../../../src/core/authz';
import { frameworkFor, manifestDependencies } from '../../../src/core/projects/manifests';
import { analyzeSourceText, projectRegistrations, projectStrings } from '../../../src/core/projects';
import { languageForFile, parseSource } from '../../../src/core/parse/treeSitter';
import type { ServerProject } from '../../../src/core/model';

const EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const SKIP_DIRS = new Set(['node_modules', '__tests__', 'test', 'tests', '.git']);

export interface PackageReport {
  name: string;
  version: string;
  framework: string;
  files: number;
  bytes: number;
  /** Files whose tree has ERROR / MISSING nodes (tree-sitter's view), relative to the package. */
  syntaxErrorFiles: string[];
  /** Tool names found by discovery's extraction (registrations), in source order. */
  tools: string[];
  /** Tool names that got an authorization verdict from the lint. */
  lintedTools: string[];
  verdicts: Record<string, number>;
  /** Why tools were judged protected: reason → count (e.g. "calls `validatePath`"). */
  protectedBy: Record<string, number>;
  findings: number;
  rules: Record<string, number>;
  /** Source problems the analysis reported (skipped files, parse budget). */
  problems: string[];
  discoveryMs: number;
  lintMs: number;
}

export function packageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile() && EXTENSIONS.has(extname(e.name)) && !/\.d\.[mc]?ts$/.test(e.name) && !/\.(test|spec)\./.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export async function lintPackage(dir: string, only?: (file: string) => string | undefined): Promise<PackageReport> {
  const manifest = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
  const framework = frameworkFor('node', await manifestDependencies(manifest, readFileSync(manifest, 'utf8'))) ?? 'mcp-sdk';
  const sources = packageFiles(dir);
  const texts = new Map<string, string>();
  let bytes = 0;
  for (const f of sources) {
    const text = only?.(f) ?? readFileSync(f, 'utf8');
    texts.set(f, text);
    bytes += statSync(f).size;
  }
  const rel = (f: string): string => relative(dir, f).split(sep).join('/');

  const syntaxErrorFiles: string[] = [];
  for (const [f, text] of texts) {
    const lang = languageForFile(f);
    if (!lang) continue;
    const tree = await parseSource(lang, text, { timeoutMs: 2000 });
    if (!tree) syntaxErrorFiles.push(`${rel(f)} (parse timed out)`);
    else {
      if (tree.rootNode.hasError) syntaxErrorFiles.push(rel(f));
      tree.delete();
    }
  }

  const t0 = performance.now();
  const problems: string[] = [];
  const registrations = [];
  const importedStrings = projectStrings(texts);
  for (const [f, text] of texts) {
    const r = await analyzeSourceText(f, text, { framework, importedStrings });
    registrations.push(...r.facts.registrations);
    problems.push(...r.problems.map((p) => `${rel(p.file)}: ${p.message}`));
  }
  const tools = projectRegistrations(registrations).map((r) => r.name);
  const discoveryMs = performance.now() - t0;

  const project: ServerProject = {
    root: dir,
    manifest,
    language: sources.some((f) => /\.[mc]?ts$/.test(f)) ? 'typescript' : 'javascript',
    framework,
    transports: [],
    tools: [],
    sources,
    problems: [],
  };
  clearAuthorizationCache();
  const t1 = performance.now();
  const result = await lintAuthorization({ root: dir, servers: [project], readFile: async (p) => texts.get(p), settings: { authorizationFunctions: [] } });
  const lintMs = performance.now() - t1;
  const verdicts: Record<string, number> = {};
  const protectedBy: Record<string, number> = {};
  for (const v of result.verdicts) {
    verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;
    if (v.verdict === 'protected') protectedBy[v.reason] = (protectedBy[v.reason] ?? 0) + 1;
  }
  const rules: Record<string, number> = {};
  for (const f of result.findings) rules[f.ruleId] = (rules[f.ruleId] ?? 0) + 1;
  return {
    name: pkg.name,
    version: pkg.version,
    framework,
    files: sources.length,
    bytes,
    syntaxErrorFiles,
    tools,
    lintedTools: [...new Set(result.verdicts.map((v) => v.tool))],
    verdicts,
    protectedBy,
    findings: result.findings.length,
    rules,
    problems,
    discoveryMs: Math.round(discoveryMs),
    lintMs: Math.round(lintMs),
  };
}

// As a process: `<package-dir> [--truncate <relative file> <fraction>]` — the second form cuts
// one file at that fraction of its length (a syntax error mid-file) before the analysis.
if (process.argv[1] && /authz-npm-runner\.ts$/.test(process.argv[1])) {
  const [dir, flag, file, fraction] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: authz-npm-runner.ts <package-dir> [--truncate <file> <fraction>]\n');
    process.exit(2);
  }
  const only = flag === '--truncate' && file
    ? (f: string) => {
      if (relative(dir, f).split(sep).join('/') !== file) return undefined;
      const text = readFileSync(f, 'utf8');
      return text.slice(0, Math.floor(text.length * Number(fraction ?? 0.5)));
    }
    : undefined;
  lintPackage(dir, only).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
