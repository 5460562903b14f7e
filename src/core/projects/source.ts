/**
 * One source file: budget checks, a cheap text prefilter, one parse, the language's
 * extractor, and conversion of node-bearing results to plain data. The tree is always freed.
 */
import type { FileProblem, ServerFramework } from '../model';
import { languageForFile, parseSource, type SourceLanguage, type SyntaxTree } from '../parse/treeSitter';
import { analyzeGo } from './go';
import { analyzePython } from './python';
import { rangeOf } from './syntax';
import { analyzeTypeScript } from './typescript';
import type { SourceAnalyzer, SourceContext, SourceFacts, SourceFactsNodes, ToolRegistration, ToolRegistrationNodes } from './types';

export const SOURCE_LIMITS = {
  /** Larger files are skipped with a note (UTF-16 code units, about bytes for source). */
  maxChars: 2_000_000,
  /** A longer line means minified or generated code: skipped with a note. */
  maxLineLength: 10_000,
  parseTimeoutMs: 2_000,
};

const ANALYZERS: Readonly<Record<SourceLanguage, SourceAnalyzer>> = {
  typescript: analyzeTypeScript,
  tsx: analyzeTypeScript,
  javascript: analyzeTypeScript,
  python: analyzePython,
  go: analyzeGo,
};

/**
 * Lower-case substrings at least one of which every file that registers a tool, serves a
 * transport or imports an MCP module contains. Files without any are not parsed.
 */
const PREFILTER: Readonly<Record<SourceLanguage, readonly string[]>> = {
  typescript: ['tool', 'transport', 'mcp'],
  tsx: ['tool', 'transport', 'mcp'],
  javascript: ['tool', 'transport', 'mcp'],
  python: ['tool', 'mcp', 'server'],
  go: ['mark3labs/mcp-go', 'modelcontextprotocol/go-sdk'],
};

/** Runs the language's extractor on a live tree; registrations come sorted by position. */
export function extractSourceFacts(tree: SyntaxTree, context: SourceContext): SourceFactsNodes {
  const facts = ANALYZERS[context.language](tree.rootNode, context);
  facts.registrations.sort((x, y) => x.nameNode.startIndex - y.nameNode.startIndex);
  return facts;
}

export function toRegistration(file: string, r: ToolRegistrationNodes): ToolRegistration {
  const plain: ToolRegistration = {
    name: r.name,
    kind: r.kind,
    file,
    nameRange: rangeOf(r.nameNode),
    registrationRange: rangeOf(r.registrationNode),
  };
  if (r.handlerNode) plain.handlerRange = rangeOf(r.handlerNode);
  if (r.receiver !== undefined) plain.receiver = r.receiver;
  return plain;
}

function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > longest) longest = end - start;
    if (nl < 0) return longest;
    start = nl + 1;
  }
}

/** Why a text is not analysed, or undefined when it is within budget. */
export function budgetProblem(file: string, text: string): FileProblem | undefined {
  if (text.length > SOURCE_LIMITS.maxChars) {
    return { file, severity: 'note', message: `Skipped: ${Math.round(text.length / 1024)} KB is over the ${Math.round(SOURCE_LIMITS.maxChars / 1024)} KB limit for source analysis.` };
  }
  const longest = longestLine(text);
  if (longest > SOURCE_LIMITS.maxLineLength) {
    return { file, severity: 'note', message: `Skipped: a ${longest}-character line looks like minified or generated code.` };
  }
  return undefined;
}

export interface SourceFileOptions {
  framework?: ServerFramework;
  /** Override the grammar chosen from the file extension. */
  language?: SourceLanguage;
}

/**
 * Parses `text` once and hands the live tree and facts to `fn` (for consumers such as the
 * authorization linter that need nodes). Returns undefined when the file is out of budget,
 * has no grammar or parsing timed out; never throws for those.
 */
export async function withSourceFacts<T>(
  file: string,
  text: string,
  fn: (facts: SourceFactsNodes, tree: SyntaxTree) => T,
  options: SourceFileOptions = {},
): Promise<T | undefined> {
  const language = options.language ?? languageForFile(file);
  if (!language || budgetProblem(file, text)) return undefined;
  const tree = await parseSource(language, text, { timeoutMs: SOURCE_LIMITS.parseTimeoutMs });
  if (!tree) return undefined;
  try {
    const context: SourceContext = { file, language };
    if (options.framework) context.framework = options.framework;
    return fn(extractSourceFacts(tree, context), tree);
  } finally {
    tree.delete();
  }
}

const NO_FACTS: SourceFacts = { registrations: [], transports: [], serverEvidence: false };

/**
 * Results per file for the exact text they came from. Discovery re-runs on every file change
 * in the editor; an unchanged file (same text, same options) is not parsed again. Results are
 * plain data that callers only read. Bounded: cleared when it grows past the limit.
 */
const ANALYSED = new Map<string, { text: string; result: { facts: SourceFacts; problems: FileProblem[] } }>();
const ANALYSED_LIMIT = 20_000;

/** Tool registrations, transports and server evidence of one file, as plain data. */
export async function analyzeSourceText(
  file: string,
  text: string,
  options: SourceFileOptions = {},
): Promise<{ facts: SourceFacts; problems: FileProblem[] }> {
  const key = `${file}\u0000${options.language ?? ''}\u0000${options.framework ?? ''}`;
  const cached = ANALYSED.get(key);
  if (cached && cached.text === text) return cached.result;
  const result = await analyzeSourceTextUncached(file, text, options);
  if (ANALYSED.size >= ANALYSED_LIMIT) ANALYSED.clear();
  ANALYSED.set(key, { text, result });
  return result;
}

async function analyzeSourceTextUncached(
  file: string,
  text: string,
  options: SourceFileOptions = {},
): Promise<{ facts: SourceFacts; problems: FileProblem[] }> {
  const language = options.language ?? languageForFile(file);
  if (!language) return { facts: NO_FACTS, problems: [] };
  const over = budgetProblem(file, text);
  if (over) return { facts: NO_FACTS, problems: [over] };
  const lower = text.toLowerCase();
  if (!PREFILTER[language].some((token) => lower.includes(token))) return { facts: NO_FACTS, problems: [] };
  try {
    const facts = await withSourceFacts(file, text, (f) => ({
      registrations: f.registrations.map((r) => toRegistration(file, r)),
      transports: f.transports,
      serverEvidence: f.serverEvidence,
    }), { ...options, language });
    if (!facts) {
      return { facts: NO_FACTS, problems: [{ file, severity: 'note', message: `Skipped: parsing took longer than ${SOURCE_LIMITS.parseTimeoutMs} ms.` }] };
    }
    return { facts, problems: [] };
  } catch (err) {
    return { facts: NO_FACTS, problems: [{ file, severity: 'note', message: `Skipped: could not analyse the file (${errorMessage(err)}).` }] };
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
