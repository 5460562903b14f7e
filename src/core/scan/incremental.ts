/**
 * Incremental re-scan of an open JSON/JSONC client config while the user types. A full scan
 * parses the file, rebuilds the model and re-checks every value (~10–20 ms for 5,000 lines).
 * Most keystrokes change the text of one string value, or of a comment; then the structure is
 * the same, and the previous model only needs its offsets shifted, the edited value replaced
 * and that one server's secrets checked again. Anything else — a quote, a backslash, a line
 * break in a string, an edit touching a key, a brace, a comma, a number, an edit that ends a
 * comment, a document with errors — returns undefined and the caller scans in full.
 *
 * test/core/secrets-incremental.test.ts checks, over many random edits, that the result is
 * exactly what a full scan returns.
 */
import type { ClientConfig, ConfigServer, Position, SourceRange } from '../model';
import type { PNode } from '../parse/positionedTree';
import { LineStarts } from '../util/positions';
import { findSecretsInServer, type SecretHit } from './secretFindings';

/** What a config document's last scan leaves for the next one. */
export interface ConfigDocState {
  text: string;
  config: ClientConfig;
  /** Per server of `config.servers`, its secret findings. */
  hits: SecretHit[][];
  /** The tree's tokens in source order: keys, scalars, and each container's two brackets. */
  tokens: { start: number[]; end: number[]; string: boolean[] };
}

/** The state to keep after a full scan, when the document qualifies for incremental updates. */
export function configDocState(text: string, config: ClientConfig, root: PNode | undefined, errors: number, hits: SecretHit[][]): ConfigDocState | undefined {
  if ((config.format !== 'json' && config.format !== 'jsonc') || !root || errors > 0 || config.problems.length > 0) return undefined;
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const tokens = { start: [] as number[], end: [] as number[], string: [] as boolean[] };
  const push = (start: number, end: number, string: boolean) => {
    tokens.start.push(start);
    tokens.end.push(end);
    tokens.string.push(string);
  };
  const walk = (node: PNode): void => {
    if (node.kind === 'scalar') {
      push(node.start, node.end, typeof node.value === 'string');
      return;
    }
    push(node.start, node.start + 1, false);
    if (node.kind === 'object') {
      for (const prop of node.props) {
        push(prop.keyStart, prop.keyEnd, false);
        walk(prop.value);
      }
    } else {
      for (const item of node.items) walk(item);
    }
    push(node.end - 1, node.end, false);
  };
  walk(root);
  // Source order already; sorting keeps the search below right whatever the parser did.
  const order = tokens.start.map((_, i) => i).sort((a, b) => tokens.start[a]! - tokens.start[b]!);
  return {
    text,
    config,
    hits,
    tokens: { start: order.map((i) => tokens.start[i]!), end: order.map((i) => tokens.end[i]!), string: order.map((i) => tokens.string[i]!) },
  };
}

/** The one edited span: old [start, oldEnd) became new [start, newEnd). */
interface Edit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

function diff(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** Whether `text` may sit inside a JSON string as it is: no quote, backslash, line break or control character. */
function plainStringBody(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** Index of the last token starting at or before `offset`, or -1. */
function tokenAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The comment in `text` between tokens ([from, to): whitespace, `,`, `:` and comments only)
 * whose body holds [start, end); undefined when there is none or the stretch holds anything else.
 */
function commentAround(text: string, from: number, to: number, start: number, end: number): { kind: 'line' | 'block'; bodyStart: number; bodyEnd: number } | undefined {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c || c === 0x3a) {
      i++;
      continue;
    }
    if (c !== 0x2f) return undefined;
    const next = text.charCodeAt(i + 1);
    const bodyStart = i + 2;
    let bodyEnd: number;
    let kind: 'line' | 'block';
    if (next === 0x2f) {
      kind = 'line';
      bodyEnd = bodyStart;
      while (bodyEnd < text.length && text.charCodeAt(bodyEnd) !== 0x0a && text.charCodeAt(bodyEnd) !== 0x0d) bodyEnd++;
      i = bodyEnd;
    } else if (next === 0x2a) {
      kind = 'block';
      bodyEnd = text.indexOf('*/', bodyStart);
      if (bodyEnd < 0) return undefined;
      i = bodyEnd + 2;
    } else {
      return undefined;
    }
    if (bodyStart <= start && end <= bodyEnd) return { kind, bodyStart, bodyEnd };
    if (bodyStart > start) return undefined;
  }
  return undefined;
}

/**
 * The next state after `text` replaced `state.text`, or undefined when the edit is not one the
 * incremental path handles. `root` is the scan root (fingerprints).
 */
export function updateConfigDoc(state: ConfigDocState, text: string, root: string): ConfigDocState | undefined {
  const edit = diff(state.text, text);
  if (!edit) return state;
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const before = state.text;
  const { start: starts, end: ends, string: strings } = state.tokens;
  const i = tokenAt(starts, edit.start);
  let edited: { server: number; body: string } | undefined;

  if (i >= 0 && strings[i] && starts[i]! < edit.start && edit.oldEnd < ends[i]!) {
    // Inside the quotes of one string value: which model value is it?
    const literalStart = starts[i]!;
    const body = text.slice(literalStart + 1, ends[i]! - 1 + (edit.newEnd - edit.oldEnd));
    if (!plainStringBody(body)) return undefined;
    const located = findLocated(state.config.servers, literalStart);
    if (!located) return undefined; // a string the model reads for something else (a type, a name)
    edited = { server: located.server, body };
  } else {
    // Between tokens: only inside a comment, and the comment must stay one.
    const gapStart = i >= 0 ? ends[i]! : 0;
    const gapEnd = i + 1 < starts.length ? starts[i + 1]! : before.length;
    if (edit.start < gapStart || edit.oldEnd > gapEnd) return undefined;
    const comment = commentAround(before, gapStart, gapEnd, edit.start, edit.oldEnd);
    if (!comment) return undefined;
    const inserted = text.slice(edit.start, edit.newEnd);
    if (comment.kind === 'line' && /[\r\n]/.test(inserted)) return undefined;
    if (comment.kind === 'block' && text.slice(comment.bodyStart, comment.bodyEnd + edit.newEnd - edit.oldEnd).includes('*/')) return undefined;
  }

  // Same structure: shift everything after the edit and recompute its positions.
  const delta = edit.newEnd - edit.oldEnd;
  const lines = new LineStarts(text);
  const oldLines = new LineStarts(before);
  const sameLines = lines.lineCount === oldLines.lineCount;
  const editLine = oldLines.lineOf(edit.oldEnd);
  const shift = (p: Position): Position => {
    if (p.offset < edit.oldEnd) return p; // the text before the edit is the same
    // Later lines keep their line and column when no line break came or went.
    if (sameLines && p.line > editLine) return { line: p.line, column: p.column, offset: p.offset + delta };
    return lines.position(p.offset + delta);
  };
  const shiftRange = (r: SourceRange): SourceRange => (r.end.offset < edit.oldEnd ? r : { start: shift(r.start), end: shift(r.end) });
  const servers: ConfigServer[] = state.config.servers.map((s) => ({
    ...s,
    nameRange: shiftRange(s.nameRange),
    range: shiftRange(s.range),
    command: s.command && { value: s.command.value, range: shiftRange(s.command.range) },
    args: s.args.map((a) => ({ value: a.value, range: shiftRange(a.range) })),
    env: s.env.map((e) => ({ ...e, keyRange: shiftRange(e.keyRange), range: shiftRange(e.range) })),
    cwd: s.cwd && { value: s.cwd.value, range: shiftRange(s.cwd.range) },
    url: s.url && { value: s.url.value, range: shiftRange(s.url.range) },
    headers: s.headers.map((e) => ({ ...e, keyRange: shiftRange(e.keyRange), range: shiftRange(e.range) })),
  }));
  const config: ClientConfig = { ...state.config, servers };
  const hits = state.hits.map((list, index) =>
    edited && index === edited.server ? list : list.map((h) => ({ secret: h.secret, finding: { ...h.finding, range: shiftRange(h.finding.range) } })),
  );
  if (edited) {
    // The edited value, in the new model (its literal starts before the edit: same offset).
    findLocated(servers, starts[i]!)!.set(edited.body);
    hits[edited.server] = findSecretsInServer(config.path, servers[edited.server]!, lines, { root });
  }
  const tokens = {
    start: starts.map((s) => (s >= edit.oldEnd ? s + delta : s)),
    end: ends.map((e) => (e >= edit.oldEnd ? e + delta : e)),
    string: strings,
  };
  return { text, config, hits, tokens };
}

/** The model value whose literal starts at `literalStart`, and how to set its text. */
function findLocated(servers: ConfigServer[], literalStart: number): { server: number; set: (value: string) => void } | undefined {
  for (let index = 0; index < servers.length; index++) {
    const s = servers[index]!;
    const located = [s.command, s.cwd, s.url, ...s.args].find((l) => l?.range.start.offset === literalStart);
    if (located) return { server: index, set: (value) => void (located.value = value) };
    const entry = [...s.env, ...s.headers].find((e) => e.isString && e.range.start.offset === literalStart);
    if (entry) return { server: index, set: (value) => void (entry.value = value) };
  }
  return undefined;
}
