/**
 * Finds MCP server projects among walked files: manifests that declare an MCP framework
 * make project roots; each project's own source files (not those of a nested project of the
 * same ecosystem, not tests or build output) are parsed once for tools and transports.
 */
import * as path from 'node:path';
import type { FileProblem, ServerFramework, ServerLanguage, ServerProject, ToolInfo, Transport } from '../model';
import {
  type Ecosystem,
  frameworkFor,
  frameworkRank,
  isProjectManifest,
  manifestDependencies,
  mayBeProjectManifest,
  manifestEcosystem,
  manifestPriority,
  manifestProjectRoot,
} from './manifests';
import { projectStrings } from './exportedStrings';
import { analyzeSourceText, errorMessage } from './source';
import { CASE_KINDS, LIST_KINDS, type ToolRegistration } from './types';

export interface AnalyzeProjectsInput {
  /** Absolute path of the scanned root. */
  root: string;
  /** Absolute paths from the walk, already filtered for ignore rules and size. */
  files: string[];
  /** undefined = unreadable or skipped (the walker reports those itself). */
  readFile: (absPath: string) => Promise<string | undefined>;
}

export interface AnalyzeProjectsResult {
  servers: ServerProject[];
  /** Manifests that could not be read or parsed. */
  problems: FileProblem[];
}

/** A server project plus what the authorization linter needs to revisit it. */
export interface ProjectAnalysis {
  server: ServerProject;
  ecosystem: Ecosystem;
  /** Every registration kept as a tool, with its registration and handler ranges. */
  registrations: ToolRegistration[];
  /** The source files that were considered part of the project. */
  sourceFiles: string[];
}

const SOURCE_EXTENSIONS: Readonly<Record<Ecosystem, ReadonlySet<string>>> = {
  node: new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']),
  python: new Set(['.py']),
  go: new Set(['.go']),
};
const TYPESCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.tsx', '.mts', '.cts']);

/** Folders inside a project that hold tests, fixtures or build output, not the server. */
const EXCLUDED_DIRS: ReadonlySet<string> = new Set([
  'node_modules', 'dist', 'build', 'out', 'coverage', '.next', '.turbo',
  'test', 'tests', '__tests__', '__mocks__', 'testdata', '__pycache__', '.venv', 'venv', 'vendor',
]);

/** File-name endings / prefixes of test files and type declarations. */
const EXCLUDED_SUFFIXES: readonly string[] = ['.d.ts', '.d.mts', '.d.cts', '_test.go', '_test.py'];
const EXCLUDED_INFIXES: readonly string[] = ['.test.', '.spec.'];
const EXCLUDED_PREFIXES: readonly string[] = ['test_'];
const EXCLUDED_NAMES: ReadonlySet<string> = new Set(['conftest.py']);

const TRANSPORT_ORDER: readonly Transport[] = ['stdio', 'http', 'sse'];
const LANGUAGE_OF: Readonly<Record<Exclude<Ecosystem, 'node'>, ServerLanguage>> = { python: 'python', go: 'go' };
const READ_CONCURRENCY = 8;

/** A path made absolute; a walk's paths are already (path.resolve on 100,000 files costs ~150 ms). */
function resolved(file: string): string {
  return path.sep === '/' && file.startsWith('/') && !NOT_NORMAL.test(file) ? file : path.resolve(file);
}
/** `//`, `/./`, `/../`, or a trailing `/`, `/.`, `/..`: path.resolve would change the path. */
const NOT_NORMAL = /\/\.{0,2}(?:\/|$)/;


function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isExcludedSource(projectRoot: string, file: string): boolean {
  const rel = path.relative(projectRoot, file).split(path.sep);
  const base = rel[rel.length - 1] ?? '';
  if (rel.slice(0, -1).some((dir) => EXCLUDED_DIRS.has(dir))) return true;
  return EXCLUDED_NAMES.has(base)
    || EXCLUDED_SUFFIXES.some((s) => base.endsWith(s))
    || EXCLUDED_INFIXES.some((s) => base.includes(s))
    || (base.endsWith('.py') && EXCLUDED_PREFIXES.some((p) => base.startsWith(p)));
}

/** The closest enclosing folder in `roots` (the file's own project for one ecosystem). */
function owningRoot(file: string, roots: ReadonlySet<string>): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (roots.has(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Runs `fn` over items with at most `limit` in flight; results keep input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function safeRead(readFile: AnalyzeProjectsInput['readFile'], file: string): Promise<{ text?: string; problem?: FileProblem }> {
  try {
    const text = await readFile(file);
    return text === undefined ? {} : { text };
  } catch (err) {
    return { problem: { file, severity: 'note', message: `Could not read the file: ${errorMessage(err)}` } };
  }
}

/**
 * Low-level servers: tools come from the tools/list entries; dispatch arms only name tools
 * when no list could be read. Each list entry gets its arm's handler range. Other kinds are
 * kept as registered (a name registered twice is reported twice).
 */
export function projectRegistrations(all: readonly ToolRegistration[]): ToolRegistration[] {
  const listed = all.filter((r) => LIST_KINDS.has(r.kind));
  const arms = all.filter((r) => CASE_KINDS.has(r.kind));
  const kept = all.filter((r) => !LIST_KINDS.has(r.kind) && !CASE_KINDS.has(r.kind));
  const firstByName = (regs: ToolRegistration[]): ToolRegistration[] => {
    const seen = new Set<string>();
    return regs.filter((r) => !seen.has(r.name) && seen.add(r.name));
  };
  if (listed.length > 0) {
    for (const entry of firstByName(listed)) {
      const arm = arms.find((r) => r.name === entry.name);
      kept.push(arm?.handlerRange && !entry.handlerRange ? { ...entry, handlerRange: arm.handlerRange } : entry);
    }
  } else {
    kept.push(...firstByName(arms));
  }
  return kept.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.nameRange.start.offset - y.nameRange.start.offset));
}

function toolInfo(r: ToolRegistration): ToolInfo {
  return { name: r.name, file: r.file, line: r.nameRange.start.line, column: r.nameRange.start.column, range: r.nameRange };
}

interface ProjectSeed {
  root: string;
  ecosystem: Ecosystem;
  framework: ServerFramework;
  manifest: string;
  rank: number;
}

/** Full analysis (registrations with handler ranges, source file lists). */
export async function analyzeProjectsDetailed(input: AnalyzeProjectsInput): Promise<{ projects: ProjectAnalysis[]; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  const root = path.resolve(input.root);
  const files = [...new Set(input.files.map(resolved))].sort();
  const manifests = files.filter((f) => mayBeProjectManifest(f.slice(f.lastIndexOf(path.sep) + 1)) && isProjectManifest(toPosix(path.relative(root, f))));

  const boundaries: Record<Ecosystem, Set<string>> = { node: new Set(), python: new Set(), go: new Set() };
  for (const m of manifests) boundaries[manifestEcosystem(m)].add(manifestProjectRoot(m));

  const seeds = new Map<string, ProjectSeed>();
  const declared = await mapLimited(manifests, READ_CONCURRENCY, async (manifest) => {
    const { text, problem } = await safeRead(input.readFile, manifest);
    if (problem) problems.push(problem);
    if (text === undefined) return undefined;
    const ecosystem = manifestEcosystem(manifest);
    try {
      const framework = frameworkFor(ecosystem, await manifestDependencies(manifest, text));
      return framework ? { manifest, ecosystem, framework } : undefined;
    } catch (err) {
      problems.push({ file: manifest, severity: 'note', message: `Could not read dependencies: ${errorMessage(err)}` });
      return undefined;
    }
  });
  for (const d of declared) {
    if (!d) continue;
    const projectRoot = manifestProjectRoot(d.manifest);
    const key = `${d.ecosystem}\u0000${projectRoot}`;
    const rank = frameworkRank(d.framework);
    const prev = seeds.get(key);
    const seed: ProjectSeed = { root: projectRoot, ecosystem: d.ecosystem, framework: d.framework, manifest: d.manifest, rank };
    if (!prev) seeds.set(key, seed);
    else {
      if (rank < prev.rank) { prev.framework = d.framework; prev.rank = rank; }
      if (manifestPriority(d.manifest) < manifestPriority(prev.manifest)) prev.manifest = d.manifest;
    }
  }

  const projects: ProjectAnalysis[] = [];
  for (const seed of [...seeds.values()].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0))) {
    const extensions = SOURCE_EXTENSIONS[seed.ecosystem];
    const sourceFiles = files.filter((f) =>
      extensions.has(path.extname(f).toLowerCase())
      && owningRoot(f, boundaries[seed.ecosystem]) === seed.root
      && !isExcludedSource(seed.root, f));
    // Read first: tool names may be string constants exported by a sibling module.
    const read = await mapLimited(sourceFiles, READ_CONCURRENCY, async (file) => ({ file, ...await safeRead(input.readFile, file) }));
    const importedStrings = seed.ecosystem === 'node' ? projectStrings(read.flatMap((r) => (r.text === undefined ? [] : [[r.file, r.text] as const]))) : undefined;
    const results = await mapLimited(read, READ_CONCURRENCY, async ({ file, text, problem }) => {
      if (text === undefined) return { facts: undefined, problems: problem ? [problem] : [] };
      return analyzeSourceText(file, text, { framework: seed.framework, importedStrings });
    });
    const fileProblems = results.flatMap((r) => r.problems);
    const facts = results.flatMap((r) => (r.facts ? [r.facts] : []));
    if (!facts.some((f) => f.serverEvidence)) continue; // an MCP client, or no code yet
    const registrations = projectRegistrations(facts.flatMap((f) => f.registrations));
    const transports = new Set(facts.flatMap((f) => f.transports));
    const language: ServerLanguage = seed.ecosystem === 'node'
      ? (sourceFiles.some((f) => TYPESCRIPT_EXTENSIONS.has(path.extname(f).toLowerCase())) ? 'typescript' : 'javascript')
      : LANGUAGE_OF[seed.ecosystem];
    projects.push({
      ecosystem: seed.ecosystem,
      registrations,
      sourceFiles,
      server: {
        root: seed.root,
        manifest: seed.manifest,
        language,
        framework: seed.framework,
        transports: TRANSPORT_ORDER.filter((t) => transports.has(t)),
        tools: registrations.map(toolInfo),
        sources: sourceFiles,
        problems: fileProblems,
      },
    });
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { projects, problems };
}

/** MCP server projects under `input.root`, with their tools and transports. Never throws for file contents. */
export async function analyzeProjects(input: AnalyzeProjectsInput): Promise<AnalyzeProjectsResult> {
  const { projects, problems } = await analyzeProjectsDetailed(input);
  return { servers: projects.map((p) => p.server), problems };
}
