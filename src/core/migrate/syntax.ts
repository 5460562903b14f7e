/**
 * Format-aware text edits over a positioned tree (JSON/JSONC, TOML, YAML): write a string
 * literal, put items at the front of a list, add a property next to another, replace or delete
 * a property. Every edit is a replacement at ranges the real parsers reported, so everything
 * else in the file (comments, order, indentation, line endings, BOM) stays as it was.
 *
 * A method returns undefined when the layout is one it cannot edit safely (a YAML key sharing
 * its line with a `- ` marker that must go, a compact nested sequence...): the planner then
 * skips that server instead of writing half an edit.
 */
import type { PArray, PNode, PObject, PProp, TreeFormat } from '../parse/positionedTree';
import type { TextEdit } from './types';

interface Flavor {
  /** `: ` or ` = ` between a key and its value. */
  assign: string;
  key(name: string): string;
}

const FLAVORS: Record<TreeFormat, Flavor> = {
  json: { assign: ': ', key: (name) => JSON.stringify(name) },
  toml: { assign: ' = ', key: (name) => (/^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name)) },
  yaml: { assign: ': ', key: (name) => (/^[A-Za-z_][\w.-]*$/.test(name) ? name : JSON.stringify(name)) },
};

/**
 * A double-quoted string literal valid in all three formats: JSON's escapes are a subset of
 * TOML basic strings and of YAML double-quoted scalars.
 */
export function stringLiteral(value: string): string {
  return JSON.stringify(value);
}

/** `["a", "b"]`: flow syntax shared by JSON, TOML and YAML. */
export function flowList(values: readonly string[]): string {
  return `[${values.map(stringLiteral).join(', ')}]`;
}

export class SyntaxEditor {
  readonly eol: string;
  private readonly flavor: Flavor;

  constructor(
    readonly text: string,
    readonly format: TreeFormat,
  ) {
    this.eol = /\r\n/.test(text) ? '\r\n' : '\n';
    this.flavor = FLAVORS[format];
  }

  key(name: string): string {
    return this.flavor.key(name);
  }

  /** `key: value` / `key = value`. */
  pair(name: string, valueText: string): string {
    return `${this.flavor.key(name)}${this.flavor.assign}${valueText}`;
  }

  // -------------------------------------------------------------------------------------------
  // Layout helpers

  lineStart(offset: number): number {
    let i = offset;
    while (i > 0 && this.text[i - 1] !== '\n' && this.text[i - 1] !== '\r') i--;
    return i;
  }

  /** The offset after the line break ending the line that holds `offset` (or the text's end). */
  lineEndInclusive(offset: number): number {
    if (offset > 0 && this.text[offset - 1] === '\n') return offset;
    const nl = this.text.indexOf('\n', offset);
    return nl < 0 ? this.text.length : nl + 1;
  }

  /** Text between the line start and `offset`, when it is only spaces/tabs. */
  indentBefore(offset: number): string | undefined {
    const prefix = this.text.slice(this.lineStart(offset), offset);
    return /^[ \t]*$/.test(prefix) ? prefix : undefined;
  }

  /**
   * The column of `offset` as YAML indentation: the line prefix may hold `- ` markers of the
   * list items it starts (`  - name: x`), which count as indentation for the lines below.
   */
  yamlIndent(offset: number): string | undefined {
    const prefix = this.text.slice(this.lineStart(offset), offset);
    return /^[ \t]*(?:-[ ]+)*$/.test(prefix) ? ' '.repeat(prefix.length) : undefined;
  }

  /** Flow containers (`{…}`, `[…]`) vs block ones (TOML tables, YAML indentation). */
  isFlow(node: PNode): boolean {
    if (this.format === 'json') return true;
    // TOML tables start at their `[header]`; only `{` marks an inline table.
    return this.text[node.start] === (node.kind === 'array' ? '[' : '{');
  }

  /** Start of a property as written: TOML dotted keys (`a.b.key`) start before the last segment. */
  private propStart(prop: PProp): number {
    if (this.format !== 'toml') return prop.keyStart;
    const indentEnd = this.lineStart(prop.keyStart) + (this.indentBefore(this.lineStart(prop.keyStart)) ?? '').length;
    let i = prop.keyStart;
    // Walk back over `segment.` pairs on the same line.
    while (i > indentEnd) {
      const before = this.text.slice(indentEnd, i);
      const m = /(?:^|[\s{,])((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')\s*\.\s*)$/.exec(before);
      if (!m) break;
      i -= m[1]!.length;
    }
    return i;
  }

  /** `a.b.` before the last key segment of a TOML dotted key (empty otherwise). */
  private dottedPrefix(prop: PProp): string {
    return this.text.slice(this.propStart(prop), prop.keyStart);
  }

  // -------------------------------------------------------------------------------------------
  // Edits

  /** Replaces a scalar's literal with a double-quoted string. */
  replaceScalar(node: PNode, value: string): TextEdit | undefined {
    if (node.kind !== 'scalar') return undefined;
    const raw = this.text.slice(node.start, node.end);
    let end = node.end;
    if (this.format === 'yaml' && /^[|>]/.test(raw)) {
      // A block scalar's range runs through its last line break; keep that break.
      const trailing = /(\r?\n)+$/.exec(raw);
      if (!trailing) return undefined;
      end = node.end - trailing[0].length;
    }
    return { offset: node.start, length: end - node.start, newText: stringLiteral(value) };
  }

  /** Puts `values` before the first item of a list (or fills an empty list). */
  prependItems(list: PArray, values: readonly string[]): TextEdit | undefined {
    if (values.length === 0) return undefined;
    const first = list.items[0];
    if (this.isFlow(list)) {
      if (!first) return { offset: list.start, length: list.end - list.start, newText: flowList(values) };
      const between = this.text.slice(list.start + 1, first.start);
      let separator = ', ';
      if (between.includes('\n')) {
        const indent = this.indentBefore(first.start);
        separator = `,${this.eol}${indent ?? ''}`;
      }
      return { offset: first.start, length: 0, newText: values.map(stringLiteral).join(separator) + separator };
    }
    // YAML block sequence: the list's range starts at its first `-`.
    if (this.format !== 'yaml' || this.text[list.start] !== '-') return undefined;
    const indent = this.indentBefore(list.start);
    if (indent === undefined || indent.includes('\t')) return undefined;
    const lines = values.map((v) => `- ${stringLiteral(v)}`).join(this.eol + indent);
    return { offset: list.start, length: 0, newText: lines + this.eol + indent };
  }

  /** Puts already-formatted item texts after the last item of a flow list (or fills `[]`). */
  appendRaw(list: PArray, items: readonly string[]): TextEdit | undefined {
    if (!this.isFlow(list) || items.length === 0) return undefined;
    const first = list.items[0];
    const last = list.items[list.items.length - 1];
    if (!first || !last) return { offset: list.start, length: list.end - list.start, newText: `[${items.join(', ')}]` };
    const multiline = this.text.slice(list.start + 1, first.start).includes('\n');
    const separator = multiline ? `,${this.eol}${this.indentBefore(last.start) ?? ''}` : ', ';
    return { offset: last.end, length: 0, newText: items.map((item) => separator + item).join('') };
  }

  /** Adds a property before the first one of a flow object (the object must have one). */
  prependProp(object: PObject, name: string, valueText: string): TextEdit | undefined {
    const first = object.props[0];
    if (!first || !this.isFlow(object)) return undefined;
    const multiline = this.text.slice(object.start + 1, first.keyStart).includes('\n');
    const separator = multiline ? `,${this.eol}${this.indentBefore(first.keyStart) ?? ''}` : ', ';
    return { offset: first.keyStart, length: 0, newText: this.pair(name, valueText) + separator };
  }

  /** Text that puts new properties after `after` in `object` (`pairs` are already formatted). */
  private siblingSeparator(object: PObject, after: PProp): string | undefined {
    if (this.isFlow(object)) {
      const first = object.props[0];
      const multiline = first ? this.text.slice(object.start, first.keyStart).includes('\n') : false;
      if (!multiline) return ', ';
      const indent = this.indentBefore(this.propStart(after));
      return `,${this.eol}${indent ?? ''}`;
    }
    if (this.format === 'toml') {
      const indent = this.indentBefore(this.propStart(after));
      return indent === undefined ? undefined : this.eol + indent;
    }
    const indent = this.yamlIndent(after.keyStart);
    return indent === undefined ? undefined : this.eol + indent;
  }

  /**
   * Replaces property `prop` of `object` (key and value) with new properties, in place.
   * `props` are [name, valueText] pairs; TOML dotted keys keep their prefix.
   */
  replaceProp(object: PObject, prop: PProp, props: ReadonlyArray<readonly [string, string]>): TextEdit | undefined {
    const separator = this.siblingSeparator(object, prop);
    if (separator === undefined || props.length === 0) return undefined;
    if (!this.isFlow(object) && prop.value.kind !== 'scalar') return undefined;
    const prefix = this.format === 'toml' ? this.dottedPrefix(prop) : '';
    const start = this.propStart(prop);
    const written = props.map(([name, value]) => prefix + this.pair(name, value)).join(separator);
    return { offset: start, length: prop.value.end - start, newText: written };
  }

  /** Adds properties right after `after` (a scalar-valued property) in `object`. */
  addAfter(object: PObject, after: PProp, props: ReadonlyArray<readonly [string, string]>): TextEdit | undefined {
    const separator = this.siblingSeparator(object, after);
    if (separator === undefined || props.length === 0) return undefined;
    if (after.value.kind !== 'scalar' && !this.isFlow(object)) return undefined;
    const prefix = this.format === 'toml' ? this.dottedPrefix(after) : '';
    const written = props.map(([name, value]) => separator + prefix + this.pair(name, value)).join('');
    return { offset: after.value.end, length: 0, newText: written };
  }

  /** Removes property `prop` from `object`, commas and line included. */
  deleteProp(object: PObject, prop: PProp): TextEdit | undefined {
    const index = object.props.indexOf(prop);
    if (index < 0) return undefined;
    if (this.isFlow(object)) {
      const next = object.props[index + 1];
      const previous = object.props[index - 1];
      if (next) {
        const start = this.propStart(prop);
        return { offset: start, length: this.propStart(next) - start, newText: '' };
      }
      if (previous) return { offset: previous.value.end, length: prop.value.end - previous.value.end, newText: '' };
      const start = this.propStart(prop);
      return { offset: start, length: prop.value.end - start, newText: '' };
    }
    // TOML sub-table `[a.b.headers]`: the table runs from its header to its last key.
    if (this.format === 'toml' && prop.value.kind === 'object' && this.text[prop.value.start] === '[') {
      const start = this.lineStart(prop.value.start);
      return { offset: start, length: this.lineEndInclusive(prop.value.end) - start, newText: '' };
    }
    const start = this.propStart(prop);
    const lineStart = this.lineStart(start);
    if (this.indentBefore(start) === undefined) return undefined; // shares its line (`- key: …`)
    return { offset: lineStart, length: this.lineEndInclusive(prop.value.end) - lineStart, newText: '' };
  }
}

/** Applies non-overlapping edits (any order) to `text`. Throws on overlap: that is a bug. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.offset < at) throw new Error('Overlapping edits');
    out += text.slice(at, edit.offset) + edit.newText;
    at = edit.offset + edit.length;
  }
  return out + text.slice(at);
}

/** By offset; at one offset insertions come before replacements, in the order given. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.offset - b.edit.offset || a.edit.length - b.edit.length || a.index - b.index)
    .map(({ edit }) => edit);
}

/** True when no two edits overlap (touching is fine). */
export function editsOverlap(edits: readonly TextEdit[]): boolean {
  const sorted = sortEdits(edits);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (prev.offset + prev.length > sorted[i]!.offset) return true;
  }
  return false;
}
