/**
 * String constants a JS/TS project's files export, so a tool named by a constant imported from
 * a sibling module (`server.registerTool(QUERY_DOCS_TOOL, ...)` with
 * `export const QUERY_DOCS_TOOL = "query-docs"` in `./lib/tool-names.js`) gets its name.
 *
 * Read from the text with strict patterns, per file once (cached by text): a top-level
 * `export const NAME = "literal"` (also `let`/`var`, single/double quotes or a template without
 * substitutions) and `export const NAME = { KEY: "literal", ... }` when every entry of the
 * object is such a pair (`NAME.KEY`). Anything else is not read: a name that cannot be resolved
 * is skipped by discovery, never guessed.
 */
import * as path from 'node:path';

/** Module (path without extension) -> exported name (`X` or `Obj.KEY`) -> value. */
export type ProjectStrings = ReadonlyMap<string, ReadonlyMap<string, string>>;

const JS_EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;
const LITERAL = String.raw`(?:"([^"\\\n]*)"|'([^'\\\n]*)'|\x60([^\x60\\$\n]*)\x60)`;
const CONST_RE = new RegExp(String.raw`^export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[\w.<>\[\]| ]+)?=\s*(?:${LITERAL}|\{([^{}]*)\})\s*(?:as\s+const\s*)?;?[ \t]*(?:\/\/.*)?$`, 'gm');
const ENTRY_RE = new RegExp(String.raw`^\s*(?:([A-Za-z_$][\w$]*)|"([^"\\\n]*)"|'([^'\\\n]*)')\s*:\s*${LITERAL}\s*$`);

const PER_FILE = new Map<string, { text: string; entries: Map<string, string> }>();
const PER_FILE_LIMIT = 20_000;

/** The module key of a file: its path without the extension (`/p/lib/index.ts` also as `/p/lib`). */
export function moduleKeys(file: string): string[] {
  const base = file.replace(JS_EXTENSIONS, '');
  return path.basename(base) === 'index' ? [base, path.dirname(base)] : [base];
}

/** The module key a relative specifier names from `file` (`./lib/tool-names.js` -> `/p/lib/tool-names`). */
export function moduleKeyOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  return path.resolve(path.dirname(file), specifier).replace(JS_EXTENSIONS, '');
}

/** One file's exported string constants (cached by text). */
export function fileExportedStrings(file: string, text: string): ReadonlyMap<string, string> {
  const known = PER_FILE.get(file);
  if (known && known.text === text) return known.entries;
  const entries = new Map<string, string>();
  if (text.includes('export')) {
    CONST_RE.lastIndex = 0;
    for (let m = CONST_RE.exec(text); m; m = CONST_RE.exec(text)) {
      const name = m[1]!;
      const value = m[2] ?? m[3] ?? m[4];
      if (value !== undefined) { entries.set(name, value); continue; }
      const body = m[5];
      if (body === undefined) continue;
      const parts = body.split(',').filter((p) => p.trim() !== '');
      const members: Array<[string, string]> = [];
      for (const part of parts) {
        const e = ENTRY_RE.exec(part);
        const key = e ? e[1] ?? e[2] ?? e[3] : undefined;
        const v = e ? e[4] ?? e[5] ?? e[6] : undefined;
        if (key === undefined || v === undefined) { members.length = 0; break; }
        members.push([key, v]);
      }
      for (const [key, v] of members) entries.set(`${name}.${key}`, v);
    }
  }
  if (PER_FILE.size >= PER_FILE_LIMIT) PER_FILE.clear();
  PER_FILE.set(file, { text, entries });
  return entries;
}

/** The exported string constants of a project's JS/TS files. */
export function projectStrings(files: Iterable<readonly [string, string]>): Map<string, ReadonlyMap<string, string>> {
  const out = new Map<string, ReadonlyMap<string, string>>();
  for (const [file, text] of files) {
    if (!JS_EXTENSIONS.test(file)) continue;
    const entries = fileExportedStrings(file, text);
    if (entries.size > 0) for (const key of moduleKeys(file)) out.set(key, entries);
  }
  return out;
}

/** The same map with one file's text replaced (an edited document). */
export function withFileStrings(strings: ProjectStrings | undefined, file: string, text: string): ProjectStrings | undefined {
  if (!JS_EXTENSIONS.test(file)) return strings;
  const entries = fileExportedStrings(file, text);
  const keys = moduleKeys(file);
  if (entries.size === 0 && !keys.some((k) => strings?.has(k))) return strings;
  const out = new Map(strings ?? []);
  for (const key of keys) if (entries.size > 0) out.set(key, entries); else out.delete(key);
  return out;
}

const RELATIVE_SPECIFIER = /\bfrom\s*["'](\.\.?\/[^"'\n]+)["']|\brequire\(\s*["'](\.\.?\/[^"'\n]+)["']\s*\)/g;

/**
 * What of `strings` a file can read: the entries of the modules it imports by a relative
 * specifier, as one string (part of a per-file cache key, so editing another module's
 * constants re-analyses only the files that import it). Empty when none.
 */
export function stringsKeyFor(file: string, text: string, strings: ProjectStrings | undefined): string {
  if (!strings || strings.size === 0 || !text.includes('./')) return '';
  let key = '';
  RELATIVE_SPECIFIER.lastIndex = 0;
  for (let m = RELATIVE_SPECIFIER.exec(text); m; m = RELATIVE_SPECIFIER.exec(text)) {
    const module = moduleKeyOf(file, m[1] ?? m[2]!);
    const entries = module ? strings.get(module) : undefined;
    if (entries) for (const [k, v] of entries) key += `${module}\u0000${k}\u0000${v}\u0001`;
  }
  return key;
}
