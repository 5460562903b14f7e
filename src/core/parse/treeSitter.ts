/**
 * Lazy loader for tree-sitter (the wasm build VS Code ships in `@vscode/tree-sitter-wasm`).
 * Initialises the runtime once, loads each grammar once and keeps one parser per grammar.
 *
 * Where the `.wasm` files are: next to the running bundle (`dist/wasm/`, copied there by
 * the build) or, when running from source, inside the installed package.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from '@vscode/tree-sitter-wasm';
import type { Tree } from '@vscode/tree-sitter-wasm';

export type { Node as SyntaxNode, Tree as SyntaxTree, Parser as SourceParser } from '@vscode/tree-sitter-wasm';

export type SourceLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go';

const GRAMMAR_FILES: Readonly<Record<SourceLanguage, string>> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
};

const EXTENSIONS: Readonly<Record<string, SourceLanguage>> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
};

/** The grammar for a file, by extension; undefined when none applies. */
export function languageForFile(filePath: string): SourceLanguage | undefined {
  return EXTENSIONS[path.extname(filePath).toLowerCase()];
}

/** Used from source (tests, tsx) when no `wasm/` folder sits next to this module. */
const RUNTIME_WASM = '@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm';

let wasmDir: string | undefined;

/** Folder holding `tree-sitter.wasm` and the grammars. Throws when neither place has them. */
export function wasmDirectory(): string {
  if (wasmDir) return wasmDir;
  const bundled = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(bundled, 'tree-sitter.wasm'))) {
    wasmDir = bundled;
  } else {
    // A variable, not a literal: bundlers then leave this run-time lookup alone.
    const runtimeWasm: string = RUNTIME_WASM;
    wasmDir = path.dirname(require.resolve(runtimeWasm));
  }
  return wasmDir;
}

let initPromise: Promise<void> | undefined;
const languages = new Map<SourceLanguage, Promise<Language>>();
const parsers = new Map<SourceLanguage, Parser>();

function init(): Promise<void> {
  if (!initPromise) {
    const dir = wasmDirectory();
    initPromise = Parser.init({ locateFile: (file: string) => path.join(dir, file) }).catch((err: unknown) => {
      initPromise = undefined; // allow a later retry
      throw err;
    });
  }
  return initPromise;
}

/** The grammar object for a language (loaded once). */
export function getLanguage(lang: SourceLanguage): Promise<Language> {
  let pending = languages.get(lang);
  if (!pending) {
    pending = init()
      .then(() => fs.promises.readFile(path.join(wasmDirectory(), GRAMMAR_FILES[lang])))
      // Pass bytes, not a path: the runtime's own loader uses a dynamic import of fs.
      .then((bytes) => Language.load(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    pending.catch(() => languages.delete(lang));
    languages.set(lang, pending);
  }
  return pending;
}

/**
 * The shared parser for a language. Parsing is synchronous, so one parser per grammar is
 * safe to share; do not `delete()` it and do not change its language.
 */
export async function getParser(lang: SourceLanguage): Promise<Parser> {
  const existing = parsers.get(lang);
  if (existing) return existing;
  const language = await getLanguage(lang);
  const again = parsers.get(lang); // another caller may have finished first
  if (again) return again;
  const parser = new Parser();
  parser.setLanguage(language);
  parsers.set(lang, parser);
  return parser;
}

export interface ParseOptions {
  /** Give up after this many milliseconds (default 2000). */
  timeoutMs?: number;
  /**
   * The tree of the previous version of this text, already `edit()`ed to match it: unchanged
   * subtrees are reused (incremental parsing). The caller still owns and frees it.
   */
  oldTree?: Tree;
}

/**
 * Parses `text`. Returns undefined when the time budget ran out. The caller owns the tree
 * and must `delete()` it; prefer {@link withTree}.
 */
export async function parseSource(lang: SourceLanguage, text: string, options: ParseOptions = {}): Promise<Tree | undefined> {
  return parseWith(await getParser(lang), text, options);
}

/**
 * {@link parseSource} with a parser already at hand: synchronous, so a caller can edit a kept
 * tree, reparse and read the result without another task running in between.
 */
export function parseWith(parser: Parser, text: string, options: ParseOptions = {}): Tree | undefined {
  const deadline = Date.now() + (options.timeoutMs ?? 2000);
  parser.reset();
  // The typings say the callback returns void; the runtime cancels when it returns true.
  const progressCallback = (() => Date.now() > deadline) as unknown as () => void;
  const tree = parser.parse(text, options.oldTree ?? null, { progressCallback });
  if (!tree) {
    parser.reset();
    return undefined;
  }
  return tree;
}

/** Parses, runs `fn` on the tree, always frees the tree. undefined when parsing timed out. */
export async function withTree<T>(
  lang: SourceLanguage,
  text: string,
  fn: (tree: Tree) => T,
  options: ParseOptions = {},
): Promise<T | undefined> {
  const tree = await parseSource(lang, text, options);
  if (!tree) return undefined;
  try {
    return fn(tree);
  } finally {
    tree.delete();
  }
}
