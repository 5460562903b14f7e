/**
 * scanTextForSecrets: secrets in a whole text file: `.env` files (KEY=VALUE lines, quotes,
 * `export`, comments, multi-line quoted values) and arbitrary text or source code (provider
 * formats anywhere, plus the generic rule for assignments such as `const API_KEY = "…"`,
 * `api_key = "…"`, `apiKey: "…"`, `getenv("TOKEN", "…")`, `--token …`).
 *
 * Cost: one pass (prefilter.ts) finds the provider keywords and the lines that hold a secret
 * name, an auth scheme or a URL; the provider rules run over the whole text only when their
 * keyword occurs, and the structural pass reads only those lines (skipping any longer than
 * `maxLineLength`). Most lines of most files are never looked at twice.
 */
import { isAscii } from 'node:buffer';
import { LineStarts } from '../util/positions';
import { collectValueCandidates, findPatternMatches, resolveOverlaps, RULE_KEYWORDS, stripRank, type RankedMatch } from './detect';
import { NeedleSet, type Needle } from './prefilter';
import { endsUrl, lineGate } from './lineGate';
import { classifyName, PAT_OWNERS } from './names';
import { CONTEXT_RULES, PATTERN_RULES } from './providers';
import { regexSpan } from './regexSpan';
import type { SecretContext, SecretLocation, TextSecretMatch } from './types';

export type TextKind = 'dotenv' | 'source' | 'plain';

export interface ScanTextOptions {
  /** Stop after roughly this many milliseconds and report what was found (`truncated`). Default 5000. */
  timeBudgetMs?: number;
  /** Lines longer than this skip the structural (generic) pass; provider rules still see them. Default 4000. */
  maxLineLength?: number;
  /**
   * Run the structural pass over every line, not only the lines the prefilter picks. The
   * result is the same (a test checks it); this is the reference the fast path is tested against.
   */
  allLines?: boolean;
  /**
   * The text's UTF-8 bytes when the caller read it from a file (`text` must be their decoding,
   * a leading BOM may be dropped): the prefilter reads bytes faster than a string's characters.
   */
  utf8Bytes?: Uint8Array;
}

export interface ScanTextResult {
  matches: TextSecretMatch[];
  /** The time budget ran out before the scan finished. */
  truncated: boolean;
}

/** A value with a name in the text: where it starts and ends, and what it is called. */
interface Entry {
  key?: string;
  start: number;
  end: number;
  location: SecretLocation;
}

/** Pattern rules that pair rules look for next to a value (an AKIA id for an AWS secret...). */
const NEAR_ANCHORS: ReadonlySet<string> = new Set(CONTEXT_RULES.flatMap((r) => (r.nearAnchor ? [r.nearAnchor] : [])));

/** Lines within this distance of an AKIA id or AC sid count as its neighbours. */
const ANCHOR_LINES = 5;

/**
 * Text a line must contain (ASCII case-insensitively) for the structural pass to find anything
 * on it, given no AKIA id / AC sid in the file (those qualify unnamed neighbours):
 *  - a name the generic and context rules accept: its last word is a password or secret word
 *    (names.ts: `pass…`, `pw`/`pwd`, `secret`, `token`, `…key`, `cred…`, `auth…`, `cookie`,
 *    a `…_PAT`);
 *  - an auth scheme that makes any name's value a credential (`Bearer`, `Basic`);
 *  - a URL (userinfo passwords, query parameters) — connection-string passwords need `pass`/`pwd`.
 * test/core/secrets.prefilter.test.ts checks that the fast path finds what a scan of every line finds.
 */
export const NAME_TRIGGERS: readonly string[] = ['key', 'token', 'secret', 'pass', 'pw', 'auth', 'cred', 'cookie', 'bearer', 'basic', 'pat', '://'];
// `pat` counts only after the words names.ts accepts before it (PAT_OWNERS: `GITHUB_PAT`, `adoPat`), separators between.

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Whether the `pat` at `at` can be the last word of a secret name: a word ends there (no
 * lowercase letter or digit follows, names.ts splitWords) and an owner word comes before it.
 */
function isPatName(code: (i: number) => number, at: number, length: number): boolean {
  if (at + 3 < length) {
    const next = code(at + 3);
    if ((next >= 97 && next <= 122) || (next >= 48 && next <= 57)) return false; // `path`, `patch`, `pat2`
  }
  let end = at;
  while (end > 0 && !isAlnum(code(end - 1))) end--;
  return PAT_OWNERS.some((word) => {
    if (end < word.length) return false;
    for (let k = 0; k < word.length; k++) if ((code(end - word.length + k) | 32) !== word.charCodeAt(k)) return false;
    return true;
  });
}

/** The characters where a URL read forward stops: its end (endsUrl), an `@` or a `=`. */
const URL_STOP = new Uint8Array(256);
for (let c = 0; c < 256; c++) URL_STOP[c] = endsUrl(c) || c === 64 || c === 61 ? 1 : 0;

/**
 * Where a URL read from `from` ends (whitespace, a quote, `<`, `>`) or meets an `@` or `=`.
 * One loop per input type, each reading one kind of element (a URL can run for kilobytes).
 */
function urlStopFrom(data: Uint8Array | string, from: number): number {
  const length = data.length;
  if (typeof data === 'string') {
    for (let i = from; i < length; i++) {
      const c = data.charCodeAt(i);
      if (c < 256 && URL_STOP[c] === 1) return i;
    }
    return length;
  }
  for (let i = from; i < length; i++) if (URL_STOP[data[i]!] === 1) return i;
  return length;
}

/** Turns byte offsets of line starts (ascending) into the text's offsets of the same lines, in place. */
function mapLineStarts(starts: number[], bytes: Uint8Array, text: string): void {
  let b = 0;
  let t = 0;
  for (let i = 0; i < starts.length; i++) {
    while (b < starts[i]!) {
      b = bytes.indexOf(10, b) + 1;
      t = text.indexOf('\n', t) + 1;
    }
    starts[i] = t;
  }
}

/**
 * Made on first use, not at load: building its tables (and its WebAssembly instance) costs
 * ~10–30 ms of cold code, which would otherwise land on the extension's activation.
 */
let needles: NeedleSet | undefined;
const NEEDLES = (): NeedleSet => (needles ??= new NeedleSet(ENGINE_NEEDLES));
/** What the prefilter looks for: the provider keywords (case-sensitive), then the name triggers. */
export const ENGINE_NEEDLES: readonly Needle[] = [...RULE_KEYWORDS.map((text) => ({ text, ci: false })), ...NAME_TRIGGERS.map((text) => ({ text, ci: true }))];
const FIRST_TRIGGER = RULE_KEYWORDS.length;
const PAT = FIRST_TRIGGER + NAME_TRIGGERS.indexOf('pat');
const URL = FIRST_TRIGGER + NAME_TRIGGERS.indexOf('://');
/** Which picked lines a file scan decodes (lineGate.ts), from their bytes and trigger hits. */
const lineMayYield = lineGate(NAME_TRIGGERS);

export function scanTextForSecrets(text: string, kind: TextKind, options: ScanTextOptions = {}): TextSecretMatch[] {
  return scanTextForSecretsDetailed(text, kind, options).matches;
}

export function scanTextForSecretsDetailed(text: string, kind: TextKind, options: ScanTextOptions = {}): ScanTextResult {
  const deadline = Date.now() + (options.timeBudgetMs ?? 5000);
  // The prefilter reads bytes when the caller has them (faster than a string's characters).
  // Offsets are then byte offsets; the picked lines are mapped to the text's lines below.
  const bytes = options.utf8Bytes;
  const { present, picked } = prefilter(bytes ?? text, false);
  if (bytes && bytes.length !== text.length) mapLineStarts(picked, bytes, text);
  return scanPrefiltered(text, kind, options, present, picked, deadline);
}

/** What the prefilter found: provider keywords present, the lines to read, and where each keyword occurs. */
interface Prefiltered {
  present: Set<string>;
  /** Start offsets of the lines to read, ascending, without repeats. */
  picked: number[];
  /** When asked for, where each picked line ends (its `\n`, or the end of the text). */
  pickedEnds: number[];
  /** Keyword occurrences as pairs (keyword index into RULE_KEYWORDS, offset), when asked for. */
  keywordHits: number[];
  /**
   * When asked for, trigger occurrences on the picked lines as pairs (index into NAME_TRIGGERS,
   * offset), lines in order: all of them but the `pat` (no owner) and `://` (no `@` or `=`)
   * before the one that picked the line.
   */
  triggerHits: number[];
}

/** One pass: which provider keywords occur, and which lines hold a trigger. */
function prefilter(data: Uint8Array | string, withHits: boolean): Prefiltered {
  const present = new Set<string>();
  const picked: number[] = [];
  const keywordHits: number[] = [];
  const triggerHits: number[] = [];
  const pickedEnds: number[] = [];
  let lastLineEnd = -1;
  let urlStop = -1;
  const bytes = typeof data === 'string' ? undefined : data;
  const text = typeof data === 'string' ? data : '';
  const code = bytes ? (i: number) => bytes[i]! : (i: number) => text.charCodeAt(i);
  const newline = bytes ? (from: number) => bytes.indexOf(10, from) : (from: number) => text.indexOf('\n', from);
  const lineStartOf = bytes ? (at: number) => bytes.lastIndexOf(10, at) + 1 : (at: number) => text.lastIndexOf('\n', at) + 1;
  NEEDLES().scan(data, (id, at) => {
    if (id < FIRST_TRIGGER) {
      present.add(RULE_KEYWORDS[id]!);
      if (withHits) keywordHits.push(id, at);
      return;
    }
    if (at < lastLineEnd) {
      // This line is picked already.
      if (withHits) triggerHits.push(id - FIRST_TRIGGER, at);
      return;
    }
    if (id === PAT && !isPatName(code, at, data.length)) return;
    // A URL holds a credential only in its userinfo (`@`) or a query parameter (`=`); a
    // parameter named like a secret is a trigger of its own, but `sig` (Azure SAS) is not.
    if (id === URL) {
      // Where the URL stops: the same place for every `://` before it (linear on `a://a://…`).
      if (at + 3 > urlStop) urlStop = urlStopFrom(data, at + 3);
      const ch = code(urlStop);
      // Over bytes the 4096-character limit is not checked (a byte count overstates characters).
      if ((ch !== 64 && ch !== 61) || (!bytes && urlStop - (at + 3) >= 4096)) return; // '@', '='
    }
    const start = lineStartOf(at);
    const end = newline(at);
    lastLineEnd = end < 0 ? data.length : end;
    if (picked.length === 0 || picked[picked.length - 1] !== start) {
      picked.push(start);
      if (withHits) pickedEnds.push(lastLineEnd);
    }
    if (withHits) triggerHits.push(id - FIRST_TRIGGER, at);
  });
  return { present, picked, pickedEnds, keywordHits, triggerHits };
}

function scanPrefiltered(
  text: string,
  kind: TextKind,
  options: ScanTextOptions,
  present: ReadonlySet<string>,
  picked: number[],
  deadline: number,
): ScanTextResult {
  const maxLine = options.maxLineLength ?? 4000;
  const whole = findPatternMatches(text, deadline, present);
  let truncated = whole.timedOut;
  const candidates: RankedMatch[] = [...whole.matches];
  let lineStarts: LineStarts | undefined;
  const lines = () => (lineStarts ??= new LineStarts(text));
  const nearAnchors = [...whole.matches, ...whole.anchors].filter((a) => NEAR_ANCHORS.has(a.detector));
  const anchorLines = nearAnchors.map((a) => ({ line: lines().lineOf(a.start), value: text.slice(a.start, a.end) }));

  // Which lines the structural pass reads: all of them for .env files (values can run over
  // several lines), near an AKIA id / AC sid, or when asked; otherwise the picked lines and
  // the lines of provider matches (their setting's name is read from the line).
  let ranges: Array<[number, number]>;
  if (options.allLines || kind === 'dotenv' || anchorLines.length > 0) {
    ranges = [...lineRanges(text)];
  } else {
    const starts = picked.concat(whole.matches.map((m) => text.lastIndexOf('\n', m.start - 1) + 1));
    if (whole.matches.length > 0) starts.sort((a, b) => a - b);
    ranges = [];
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      if (i > 0 && start === starts[i - 1]) continue;
      ranges.push(lineRange(text, start));
    }
  }

  const entries = structuralEntries(text, ranges, kind, maxLine);
  for (let i = 0; i < entries.length; i++) {
    if ((i & 63) === 0 && Date.now() > deadline) {
      truncated = true;
      break;
    }
    const entry = entries[i]!;
    const value = text.slice(entry.start, entry.end);
    const context: SecretContext = { key: entry.key, location: entry.location };
    if (anchorLines.length > 0) {
      const line = lines().lineOf(entry.start);
      const near = anchorLines.filter((a) => Math.abs(a.line - line) <= ANCHOR_LINES);
      if (near.length > 0) context.siblings = near.map((a) => ({ value: a.value }));
    }
    // The provider rules already ran over the whole text (`whole`): only the structure is new here.
    for (const m of collectValueCandidates(value, context, false)) {
      candidates.push({ ...m, start: m.start + entry.start, end: m.end + entry.start });
    }
  }
  if (candidates.length === 0) return { matches: [], truncated };

  // Prefer, among equal ranks and ranges, the candidate that knows its setting's name.
  candidates.sort((a, b) => Number(b.key !== undefined) - Number(a.key !== undefined));
  const kept = resolveOverlaps(candidates);
  const matches = kept.map((m) => {
    if (m.key === undefined) {
      const holder = entries.find((e) => e.key !== undefined && e.start <= m.start && m.end <= e.end);
      if (holder) m.key = holder.key;
    }
    const from = lines().position(m.start);
    const to = lines().position(m.end);
    return { ...stripRank(m), line: from.line, column: from.column, endLine: to.line, endColumn: to.column } as TextSecretMatch;
  });
  return { matches, truncated };
}

/** The named values (and whole-line URL / connection-string views) of the lines in `ranges`. */
function structuralEntries(text: string, ranges: Iterable<[number, number]>, kind: TextKind, maxLine: number): Entry[] {
  const entries = kind === 'dotenv' ? dotenvEntries(text, ranges, maxLine) : sourceEntries(text, ranges, maxLine, kind === 'plain');
  // Whole-line views catch URLs and connection strings that sit outside any named value.
  for (const [start, end] of ranges) {
    if (end - start > maxLine) continue;
    const line = text.slice(start, end);
    if (line.includes('://') || (line.includes(';') && /(?:password|pwd)[ \t]*=/i.test(line))) {
      entries.push({ start, end, location: kind === 'dotenv' ? 'dotenv' : 'source' });
    }
  }
  return entries;
}

// ── Bytes ─────────────────────────────────────────────────────────────────────────────────

/** For each keyword (index into RULE_KEYWORDS), the pattern rules that have it. */
const RULES_OF_KEYWORD: readonly number[][] = RULE_KEYWORDS.map((k) => PATTERN_RULES.flatMap((r, index) => (r.keywords.includes(k) ? [index] : [])));
/** How far from a keyword occurrence a rule's regex reads, in bytes (a UTF-16 unit takes at most three); computed on first use. */
const RULE_REACH: number[] = [];
const reachOf = (index: number) => (RULE_REACH[index] ??= 3 * (2 * regexSpan(PATTERN_RULES[index]!.regex) + 2) + 4);

/**
 * scanBytesForSecrets: the same scan over a file's bytes as read from disk. The text is their
 * UTF-8 decoding with a leading BOM dropped (how readText.ts reads a file); offsets, lines and
 * columns in the result are the text's, exactly as scanTextForSecrets(text, kind) reports them.
 *
 * Most files are never decoded whole. The prefilter reads the bytes; when it finds no
 * provider keyword whose rule can match (each rule is tried on the few characters around its
 * keywords' occurrences: its regex reads no further, regexSpan.ts) and the structural pass
 * finds nothing on the lines it picked (each decoded alone), there is nothing to report.
 * Otherwise the whole text is decoded and scanned as scanTextForSecrets does: same result.
 */
export function scanBytesForSecrets(bytes: Uint8Array, kind: TextKind, options: Omit<ScanTextOptions, 'utf8Bytes'> = {}): TextSecretMatch[] {
  return scanBytesForSecretsDetailed(bytes, kind, options).matches;
}

export function scanBytesForSecretsDetailed(input: Uint8Array, kind: TextKind, options: Omit<ScanTextOptions, 'utf8Bytes'> = {}): ScanTextResult {
  const deadline = Date.now() + (options.timeBudgetMs ?? 5000);
  const maxLine = options.maxLineLength ?? 4000;
  const bytes = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? input.subarray(3) : input;
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = prefilter(bytes, true);
  const quick = kind !== 'dotenv' && !options.allLines;
  // No keyword, no picked line: the text scan would read nothing (most files).
  if (quick && found.picked.length === 0 && found.keywordHits.length === 0) return { matches: [], truncated: false };
  // All-ASCII bytes decode as Latin-1: the same string as UTF-8, and faster.
  const encoding = typeof isAscii === 'function' && isAscii(buffer) ? 'latin1' : 'utf8';
  if (quick && !keywordMayMatch(found, buffer, encoding)) {
    const quiet = pickedLinesQuiet(found, buffer, encoding, kind, maxLine, deadline);
    if (quiet !== false) return { matches: [], truncated: quiet === 'timeout' };
  }
  const text = buffer.toString(encoding);
  if (bytes.length !== text.length) mapLineStarts(found.picked, bytes, text);
  return scanPrefiltered(text, kind, options, found.present, found.picked, deadline);
}

/** Whether a provider rule whose keyword occurs matches near one of its keyword's occurrences. */
function keywordMayMatch(found: Prefiltered, buffer: Buffer, encoding: BufferEncoding): boolean {
  const hits = found.keywordHits;
  if (hits.length === 0) return false;
  const tried = new Set<number>();
  for (let h = 0; h < hits.length; h += 2) {
    for (const index of RULES_OF_KEYWORD[hits[h]!]!) {
      if (tried.has(index)) continue;
      tried.add(index);
      if (ruleMatchesNear(index, hits, buffer, encoding)) return true;
    }
  }
  return false;
}

function ruleMatchesNear(index: number, hits: number[], buffer: Buffer, encoding: BufferEncoding): boolean {
  const rule = PATTERN_RULES[index]!;
  const reach = reachOf(index);
  if (!Number.isFinite(reach)) return true;
  const at: number[] = [];
  for (let h = 0; h < hits.length; h += 2) if (rule.keywords.includes(RULE_KEYWORDS[hits[h]!]!)) at.push(hits[h + 1]!);
  at.sort((a, b) => a - b);
  const re = rule.regex;
  // Overlapping windows are merged: each character is read at most once per rule.
  for (let i = 0; i < at.length; ) {
    const from = Math.max(0, at[i]! - reach);
    let to = Math.min(buffer.length, at[i]! + reach);
    for (i++; i < at.length && at[i]! - reach <= to; i++) to = Math.min(buffer.length, at[i]! + reach);
    re.lastIndex = 0;
    const found = re.test(buffer.toString(encoding, from, to));
    re.lastIndex = 0;
    if (found) return true;
  }
  return false;
}

/**
 * Runs the structural pass over each picked line alone (a text of one line finds what the
 * same line finds within its text, absent provider matches and AKIA / AC anchors). `true`
 * when no line yields a candidate, `false` at the first that does, `'timeout'` past the deadline.
 */
function pickedLinesQuiet(
  found: Prefiltered,
  buffer: Buffer,
  encoding: BufferEncoding,
  kind: TextKind,
  maxLine: number,
  deadline: number,
): boolean | 'timeout' {
  const { picked, pickedEnds, triggerHits: hits } = found;
  const ascii = encoding === 'latin1';
  let to = 0;
  for (let i = 0; i < picked.length; i++) {
    if ((i & 63) === 63 && Date.now() > deadline) return 'timeout';
    const start = picked[i]!;
    let end = pickedEnds[i]!;
    // This line's trigger hits (lines come in order; hits within a line need not).
    let from = to;
    while (from < hits.length && hits[from + 1]! < start) from += 2;
    to = from;
    while (to < hits.length && hits[to + 1]! < end) to += 2;
    if (end > start && buffer[end - 1] === 13) end--;
    // A line longer than maxLine characters is skipped. In ASCII a byte is a character; in
    // UTF-8 a UTF-16 unit takes at most three bytes, so more than 3 × maxLine bytes is too long.
    if (end - start > (ascii ? maxLine : 3 * maxLine)) continue;
    if (!lineMayYield(buffer, start, end, kind === 'plain', hits, from, to)) continue;
    const line = buffer.toString(encoding, start, end);
    if (line.length > maxLine) continue;
    for (const entry of structuralEntries(line, [[0, line.length]], kind, maxLine)) {
      const context: SecretContext = { key: entry.key, location: entry.location };
      if (collectValueCandidates(line.slice(entry.start, entry.end), context, false).length > 0) return false;
    }
  }
  return true;
}

// ── .env files ────────────────────────────────────────────────────────────────────────────

const DOTENV_LINE = /^[ \t]*(?:#[ \t]*)?(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,200})[ \t]*=[ \t]*/;

function dotenvEntries(text: string, ranges: Iterable<[number, number]>, maxLine: number): Entry[] {
  const entries: Entry[] = [];
  for (const [lineStart, lineEnd] of ranges) {
    if (lineEnd - lineStart > maxLine) continue;
    const line = text.slice(lineStart, lineEnd);
    const m = DOTENV_LINE.exec(line);
    if (!m) continue;
    const key = m[1]!;
    let start = lineStart + m[0].length;
    let end = lineEnd;
    const quote = text[start];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = findClosingQuote(text, start + 1, quote, quote === '"' ? 20000 : lineEnd - start);
      if (close < 0) continue;
      start += 1;
      end = close;
    } else {
      // Unquoted: an inline comment starts at whitespace + '#'.
      const comment = /[ \t]#/.exec(line.slice(m[0].length));
      if (comment) end = start + comment.index;
      while (end > start && /\s/.test(text[end - 1]!)) end--;
    }
    if (end > start) entries.push({ key, start, end, location: 'dotenv' });
  }
  return entries;
}

/** Index of the closing quote (backslash escapes honoured for `"`), or -1 within `limit` chars. */
function findClosingQuote(text: string, from: number, quote: string, limit: number): number {
  const stop = Math.min(text.length, from + Math.max(0, limit));
  for (let i = from; i < stop; i++) {
    const ch = text[i];
    if (ch === '\\' && quote !== "'") {
      i++;
      continue;
    }
    if (ch === quote) return i;
    if (ch === '\n' && quote === '`') return -1;
  }
  return -1;
}

// ── Source code and plain text ────────────────────────────────────────────────────────────

/**
 * One string literal on a line: "…", '…' or `…`, escapes allowed, bounded length. An escaped
 * quote never opens a literal, so a line of `\"\"\"…` is not tried from every quote.
 */
const STRING_LITERAL = /(?<!\\)"((?:[^"\\\r\n]|\\.){0,2000})"|(?<!\\)'((?:[^'\\\r\n]|\\.){0,2000})'|(?<!\\)`((?:[^`\\\r\n]|\\.){0,2000})`/g;
/** `--token abc`, `--api-key=abc`: a flag with its value, in scripts, docs and arg arrays. */
const FLAG_VALUE = /(?<![\w-])(--?[A-Za-z][\w-]{1,40})(?:=|[ \t]+)(["']?)([^\s"'`]{8,500})\2/g;
/** Plain text only: `Authorization: Bearer …` header lines (HTTP files, docs, YAML). */
const HEADER_LINE = /^[ \t]*(?:-[ \t]+)?["']?([A-Za-z][\w-]{1,60})["']?[ \t]*:[ \t]+(\S[^\r\n]{0,2000})$/;
/** Plain text only: `KEY=value`, `key: value` with an unquoted value (shell, YAML, INI, TOML). */
const UNQUOTED_ASSIGNMENT = /^[ \t]*(?:-[ \t]+)?(?:export[ \t]+|set[ \t]+)?([A-Za-z_][\w.-]{0,100})[ \t]*[:=][ \t]*([^\s"'`#;][^\s]{0,2000})[ \t]*(?:[#;].*)?$/;

function sourceEntries(text: string, ranges: Iterable<[number, number]>, maxLine: number, plain: boolean): Entry[] {
  const entries: Entry[] = [];
  for (const [lineStart, lineEnd] of ranges) {
    if (lineEnd - lineStart > maxLine) continue;
    const line = text.slice(lineStart, lineEnd);
    if (line.includes('"') || line.includes("'") || line.includes('`')) {
      STRING_LITERAL.lastIndex = 0;
      for (let m = STRING_LITERAL.exec(line); m; m = STRING_LITERAL.exec(line)) {
        const body = m[1] ?? m[2] ?? m[3] ?? '';
        const start = lineStart + m.index + 1;
        const key = keyBefore(line, m.index);
        // An unnamed literal can still name itself: "Authorization: Bearer …", "--api-key=…".
        if (key !== undefined || /^[A-Za-z][\w-]{1,60}[ \t]*:|^--?[A-Za-z]/.test(body)) {
          entries.push({ key, start, end: start + body.length, location: key === undefined ? 'arg' : 'source' });
        }
      }
    }
    if (line.includes('-')) {
      FLAG_VALUE.lastIndex = 0;
      for (let m = FLAG_VALUE.exec(line); m; m = FLAG_VALUE.exec(line)) {
        if (classifyName(m[1]) === 'none') continue;
        const start = lineStart + m.index + m[0].length - m[3]!.length - m[2]!.length;
        entries.push({ key: m[1], start, end: start + m[3]!.length, location: 'arg' });
      }
    }
    if (plain) {
      const m = UNQUOTED_ASSIGNMENT.exec(line);
      if (m) {
        const start = lineStart + m[0].indexOf(m[2]!, m[0].indexOf(m[1]!) + m[1]!.length);
        // A trailing `,` or `;` is code punctuation in a README example, not part of the value.
        const value = m[2]!.replace(/[,;]$/, '');
        entries.push({ key: m[1], start, end: start + value.length, location: 'setting' });
      } else {
        const h = HEADER_LINE.exec(line);
        if (h && !/^["'`]/.test(h[2]!) && classifyName(h[1]) !== 'none') {
          const start = lineStart + h[0].length - h[2]!.length;
          entries.push({ key: h[1], start, end: start + h[2]!.length, location: 'header' });
        }
      }
    }
  }
  return entries;
}

const IDENT_CHAR = /[\w$.-]/;
const TYPE_NAMES = new Set(['string', 'str', 'String', 'text', 'bytes', 'Secret', 'SecretStr', 'any']);

/**
 * The name a string literal is assigned to, read backwards from its opening quote:
 * `name = "…"`, `name: "…"`, `name := "…"`, `"name": "…"`, `obj["name"] = "…"`,
 * `name: str = "…"`, `getenv("NAME", "…")`, `process.env.NAME ?? "…"`, `os.getenv("NAME") or "…"`.
 */
export function keyBefore(line: string, quoteAt: number): string | undefined {
  let i = quoteAt - 1;
  // String prefixes: Python r/b/f/u, C# @/$.
  for (let n = 0; n < 2 && i >= 0 && /[rRbBuUfF@$]/.test(line[i]!); n++) i--;
  i = skipSpaces(line, i);
  if (i < 0) return undefined;
  const ch = line[i]!;
  if (ch === ',') return callArgumentName(line, skipSpaces(line, i - 1));
  if ((ch === '|' && line[i - 1] === '|') || (ch === '?' && line[i - 1] === '?')) {
    return fallbackName(line, skipSpaces(line, i - 2));
  }
  if (ch === 'r' && line.slice(i - 1, i + 1) === 'or' && /\s/.test(line[i - 2] ?? ' ')) return fallbackName(line, skipSpaces(line, i - 2));
  if (ch === '=') {
    const before = line[i - 1];
    if (before === '=' || before === '!' || before === '<' || before === '>') return undefined;
    i = before === ':' || before === '?' || before === '|' || before === '+' ? i - 2 : i - 1;
  } else if (ch === '>' && line[i - 1] === '=') {
    i -= 2;
  } else if (ch === ':') {
    if (line[i - 1] === ':') return undefined;
    i -= 1;
  } else {
    return undefined;
  }
  i = skipSpaces(line, i);
  let name = nameEndingAt(line, i);
  if (name === undefined) return undefined;
  // `name: str = "…"` / `var name string = "…"`: step over the type.
  if (TYPE_NAMES.has(name.text)) {
    let j = skipSpaces(line, name.start - 1);
    if (line[j] === ':') j = skipSpaces(line, j - 1);
    const typed = nameEndingAt(line, j);
    if (typed) name = typed;
  }
  return name.text;
}

function skipSpaces(line: string, i: number): number {
  while (i >= 0 && (line[i] === ' ' || line[i] === '\t')) i--;
  return i;
}

/** A quoted or bare name ending at `i`; bare dotted names give their last segment. */
function nameEndingAt(line: string, i: number): { text: string; start: number } | undefined {
  if (i < 0) return undefined;
  if (line[i] === ']') i = skipSpaces(line, i - 1);
  const q = line[i];
  if (q === '"' || q === "'" || q === '`') {
    const open = line.lastIndexOf(q, i - 1);
    if (open < 0 || i - open > 200) return undefined;
    const text = line.slice(open + 1, i);
    return /^[\w$.\- ]{1,200}$/.test(text) ? { text, start: open } : undefined;
  }
  let j = i;
  while (j >= 0 && i - j < 200 && IDENT_CHAR.test(line[j]!)) j--;
  if (j === i) return undefined;
  const full = line.slice(j + 1, i + 1);
  const last = full.split('.').filter((s) => s.length > 0).pop();
  return last && /^[A-Za-z_$]/.test(last) ? { text: last, start: j + 1 } : undefined;
}

/** `f("NAME", "…")`: the first argument names the second. */
function callArgumentName(line: string, i: number): string | undefined {
  const name = nameEndingAt(line, i);
  if (!name || !/["'`]/.test(line[name.start] ?? '')) return undefined;
  const before = skipSpaces(line, name.start - 1);
  return line[before] === '(' ? name.text : undefined;
}

/** `process.env.NAME || "…"`, `os.getenv("NAME") or "…"`. */
function fallbackName(line: string, i: number): string | undefined {
  if (line[i] === ')') {
    const inner = nameEndingAt(line, skipSpaces(line, i - 1));
    return inner && /["'`]/.test(line[inner.start] ?? '') ? inner.text : undefined;
  }
  return nameEndingAt(line, i)?.text;
}

// ── Positions ─────────────────────────────────────────────────────────────────────────────

/** [start, end) of the line starting at `start`, without its line break. */
function lineRange(text: string, start: number): [number, number] {
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  return [start, end > start && text[end - 1] === '\r' ? end - 1 : end];
}

/** [start, end) of every line, without its line break. */
function* lineRanges(text: string): Generator<[number, number]> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const contentEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    yield [start, contentEnd];
    if (end >= text.length) return;
    start = end + 1;
  }
}

