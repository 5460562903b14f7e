/**
 * One source file: budget checks, a cheap text prefilter, one parse, the language's
 * extractor, and conversion of node-bearing results to plain data. The tree is freed after
 * use, except for open documents (`keepTree`), whose last tree is kept so the next version
 * is parsed incrementally.
 */
import type { FileProblem, ServerFramework } from '../model';
import { getParser, languageForFile, parseSource, parseWith, type SourceLanguage, type SourceParser, type SyntaxTree } from '../parse/treeSitter';
import { stringsKeyFor, type ProjectStrings } from './exportedStrings';
import { analyzeGo } from './go';
import { NodeIndex } from './nodeIndex';
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

/**
 * Runs the language's extractor on a live tree (parsed from exactly `text`); registrations
 * come sorted by position. The facts carry the tree's node index for later consumers.
 */
export function extractSourceFacts(tree: SyntaxTree, context: SourceContext, text: string): SourceFactsNodes {
  const index = new NodeIndex(tree.rootNode, text);
  const facts = ANALYZERS[context.language](index.root, context, index);
  facts.registrations.sort((x, y) => x.nameNode.startIndex - y.nameNode.startIndex);
  facts.index = index;
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
  /**
   * An open document that will be analysed again after edits: keep its tree, and parse the
   * next version incrementally from it (see {@link releaseDocumentTree}).
   */
  keepTree?: boolean;
  /**
   * String constants exported by the project's JS/TS files (`projectStrings`): tool names
   * imported from a sibling module resolve through them. The caller's cache key must cover
   * what the file can read (`stringsKeyFor`).
   */
  importedStrings?: ProjectStrings;
}

// ---------------------------------------------------------------------------------------
// Open documents: the last tree per file, for incremental parsing after an edit.

interface DocumentTree { language: SourceLanguage; text: string; tree: SyntaxTree }

/** Most recently used last; the wasm memory of trees dropped from here is freed. */
const DOCUMENT_TREES = new Map<string, DocumentTree>();
const DOCUMENT_TREE_LIMIT = 16;

/** Frees the kept tree of one file (document closed), or of every file. */
export function releaseDocumentTree(file?: string): void {
  for (const [key, entry] of DOCUMENT_TREES) {
    if (file !== undefined && key !== file) continue;
    entry.tree.delete();
    DOCUMENT_TREES.delete(key);
  }
}

export interface TextEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

/** Row and column (UTF-16 code units, as the wasm binding counts them) of an offset. */
function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    row++;
    lineStart = nl + 1;
  }
  return { row, column: offset - lineStart };
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * The single edit that turns `before` into `after`: the span between their common prefix and
 * common suffix (never splitting a surrogate pair), in the shape `Tree.edit()` takes.
 */
export function editBetween(before: string, after: string): TextEdit {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  // Whole blocks first (string comparison is native), then character by character.
  for (const block of [4096, 256]) {
    while (prefix + block <= max && before.slice(prefix, prefix + block) === after.slice(prefix, prefix + block)) prefix += block;
  }
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && prefix < max && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  for (const block of [4096, 256]) {
    while (suffix + block <= max - prefix && before.slice(before.length - suffix - block, before.length - suffix) === after.slice(after.length - suffix - block, after.length - suffix)) suffix += block;
  }
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && suffix < max - prefix && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  const startPosition = pointAt(before, prefix);
  return {
    startIndex: prefix,
    oldEndIndex: before.length - suffix,
    newEndIndex: after.length - suffix,
    startPosition,
    oldEndPosition: pointAt(before, before.length - suffix),
    newEndPosition: pointAt(after, after.length - suffix),
  };
}

/**
 * The kept tree of an open document, brought up to `text`: as is when the text is unchanged,
 * else `edit()`ed and reparsed incrementally (a fresh parse the first time). Synchronous, so
 * no other call can take, free or replace the kept tree while this one uses it.
 */
function documentTree(parser: SourceParser, file: string, language: SourceLanguage, text: string): SyntaxTree | undefined {
  const kept = DOCUMENT_TREES.get(file);
  DOCUMENT_TREES.delete(file);
  let tree: SyntaxTree | undefined;
  if (kept && kept.language === language && kept.text === text) {
    tree = kept.tree;
  } else {
    const old = kept && kept.language === language ? kept.tree : undefined;
    try {
      if (old) old.edit(editBetween(kept!.text, text));
      tree = parseWith(parser, text, { timeoutMs: SOURCE_LIMITS.parseTimeoutMs, oldTree: old });
    } finally {
      kept?.tree.delete();
    }
  }
  if (!tree) return undefined;
  DOCUMENT_TREES.set(file, { language, text, tree });
  while (DOCUMENT_TREES.size > DOCUMENT_TREE_LIMIT) releaseDocumentTree(DOCUMENT_TREES.keys().next().value!);
  return tree;
}

/**
 * Parses `text` once and hands the live tree and facts to `fn` (for consumers such as the
 * authorization linter that need nodes; neither may be kept after `fn` returns). Returns
 * undefined when the file is out of budget, has no grammar or parsing timed out; never
 * throws for those.
 */
export async function withSourceFacts<T>(
  file: string,
  text: string,
  fn: (facts: SourceFactsNodes, tree: SyntaxTree) => T,
  options: SourceFileOptions = {},
): Promise<T | undefined> {
  const language = options.language ?? languageForFile(file);
  if (!language || budgetProblem(file, text)) return undefined;
  const context: SourceContext = { file, language };
  if (options.framework) context.framework = options.framework;
  if (options.importedStrings) context.importedStrings = options.importedStrings;
  if (options.keepTree) {
    const parser = await getParser(language);
    // From here to the end no await: the kept tree cannot change under `fn`.
    const tree = documentTree(parser, file, language, text);
    return tree ? fn(extractSourceFacts(tree, context, text), tree) : undefined;
  }
  const tree = await parseSource(language, text, { timeoutMs: SOURCE_LIMITS.parseTimeoutMs });
  if (!tree) return undefined;
  try {
    return fn(extractSourceFacts(tree, context, text), tree);
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
const ANALYSED = new Map<string, { text: string; strings: string; result: { facts: SourceFacts; problems: FileProblem[] } }>();
const ANALYSED_LIMIT = 20_000;

/** Tool registrations, transports and server evidence of one file, as plain data. */
export async function analyzeSourceText(
  file: string,
  text: string,
  options: SourceFileOptions = {},
): Promise<{ facts: SourceFacts; problems: FileProblem[] }> {
  const key = `${file}\u0000${options.language ?? ''}\u0000${options.framework ?? ''}`;
  const strings = stringsKeyFor(file, text, options.importedStrings);
  const cached = ANALYSED.get(key);
  if (cached && cached.text === text && cached.strings === strings) return cached.result;
  const result = await analyzeSourceTextUncached(file, text, options);
  if (ANALYSED.size >= ANALYSED_LIMIT) ANALYSED.clear();
  ANALYSED.set(key, { text, strings, result });
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
