/**
 * One small positioned tree for JSON/JSONC, TOML and YAML, so that code reading MCP client
 * configs is written once. Every node keeps the offsets of its source literal (UTF-16 indexes
 * into the text given to the parser), so callers can report exact ranges and later rewrite a
 * value in place. The real parsers do the parsing: jsonc-parser, toml-eslint-parser and yaml.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError as JsonParseError } from 'jsonc-parser';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { AST as TomlAst } from 'toml-eslint-parser' with { 'resolution-mode': 'import' };

type TomlModule = typeof import('toml-eslint-parser', { with: { 'resolution-mode': 'import' } });
// toml-eslint-parser ships ES modules only; Node >= 20.19 require()s them and esbuild bundles them.
const { parseTOML, ParseError: TomlParseError } = require('toml-eslint-parser') as TomlModule;

export type PNode = PObject | PArray | PScalar;

export interface PObject {
  kind: 'object';
  start: number;
  end: number;
  /** In source order. JSON may hold duplicate keys; TOML and YAML trees never do. */
  props: PProp[];
}

export interface PProp {
  key: string;
  /** The key literal, quotes included. */
  keyStart: number;
  keyEnd: number;
  value: PNode;
}

export interface PArray {
  kind: 'array';
  start: number;
  end: number;
  items: PNode[];
}

export interface PScalar {
  kind: 'scalar';
  start: number;
  end: number;
  /** TOML dates come through as their source text. */
  value: string | number | boolean | null;
}

export interface TreeError {
  message: string;
  start: number;
  end: number;
}

export interface ParsedTree {
  /** Undefined when nothing could be salvaged (or the file is empty). */
  root: PNode | undefined;
  errors: TreeError[];
}

export type TreeFormat = 'json' | 'toml' | 'yaml';

/** Parses `text`; never throws. A leading BOM is skipped, and offsets still index `text`. */
export function parsePositionedTree(text: string, format: TreeFormat): ParsedTree {
  const base = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const source = base ? text.slice(base) : text;
  const tree = PARSERS[format](source);
  return base ? shiftTree(tree, base) : tree;
}

const PARSERS: Record<TreeFormat, (source: string) => ParsedTree> = {
  json: parseJsonc,
  toml: parseToml,
  yaml: parseYaml,
};

// ---------------------------------------------------------------------------------------------
// JSON with comments and trailing commas

const JSON_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol',
  InvalidNumberFormat: 'Invalid number format',
  PropertyNameExpected: 'Expected a property name',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected colon',
  CommaExpected: 'Expected comma',
  CloseBraceExpected: 'Expected closing brace',
  CloseBracketExpected: 'Expected closing bracket',
  EndOfFileExpected: 'Expected end of file',
  InvalidCommentToken: 'Invalid comment token',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unexpected end of number',
  InvalidUnicode: 'Invalid unicode escape sequence',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character',
};

function parseJsonc(source: string): ParsedTree {
  const parseErrors: JsonParseError[] = [];
  const root = parseTree(source, parseErrors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const errors = parseErrors.map((e) => {
    const code = printParseErrorCode(e.error);
    return { message: JSON_MESSAGES[code] ?? code, start: e.offset, end: e.offset + e.length };
  });
  return { root: root ? fromJson(root) : undefined, errors };
}

function fromJson(node: JsonNode): PNode {
  const start = node.offset;
  const end = node.offset + node.length;
  switch (node.type) {
    case 'object': {
      const props: PProp[] = [];
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        // A property cut short by a syntax error has no value: nothing to salvage.
        if (!keyNode || !valueNode) continue;
        props.push({
          key: String(keyNode.value),
          keyStart: keyNode.offset,
          keyEnd: keyNode.offset + keyNode.length,
          value: fromJson(valueNode),
        });
      }
      return { kind: 'object', start, end, props };
    }
    case 'array':
      return { kind: 'array', start, end, items: (node.children ?? []).map(fromJson) };
    default:
      return { kind: 'scalar', start, end, value: node.value ?? null };
  }
}

// ---------------------------------------------------------------------------------------------
// TOML: tables, dotted keys, inline tables and arrays of tables merged into one object tree

function parseToml(source: string): ParsedTree {
  let program: TomlAst.TOMLProgram;
  try {
    program = parseTOML(source);
  } catch (error) {
    // The parser stops at the first error, so nothing is salvaged.
    if (error instanceof TomlParseError) {
      const start = Math.min(error.index, source.length);
      return { root: undefined, errors: [{ message: error.message, start, end: Math.min(start + 1, source.length) }] };
    }
    return { root: undefined, errors: [{ message: `TOML parser failed: ${String(error)}`, start: 0, end: 0 }] };
  }
  const root: PObject = { kind: 'object', start: 0, end: source.length, props: [] };
  for (const item of program.body[0].body) {
    if (item.type === 'TOMLKeyValue') {
      assignTomlKeyValue(root, item);
      continue;
    }
    const keys = item.key.keys;
    const parent = descendToml(root, keys.slice(0, -1), item.range);
    const last = keys[keys.length - 1];
    let table: PObject;
    if (item.kind === 'array') {
      let prop = findProp(parent, tomlKeyName(last));
      if (!prop || prop.value.kind !== 'array') {
        prop = { key: tomlKeyName(last), keyStart: last.range[0], keyEnd: last.range[1], value: { kind: 'array', start: item.range[0], end: item.range[1], items: [] } };
        parent.props.push(prop);
      }
      table = { kind: 'object', start: item.range[0], end: item.range[1], props: [] };
      const array = prop.value as PArray;
      array.items.push(table);
      array.end = Math.max(array.end, item.range[1]);
    } else {
      table = descendToml(parent, [last], item.range);
    }
    for (const keyValue of item.body) assignTomlKeyValue(table, keyValue);
  }
  return { root, errors: [] };
}

function tomlKeyName(key: TomlAst.TOMLBare | TomlAst.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

/**
 * Walks (creating as needed) the tables named by `keys`. A table defined in several places
 * (`[a]` then `[a.env]`) gets the range spanning all of them; the first definition names it.
 */
function descendToml(from: PObject, keys: Array<TomlAst.TOMLBare | TomlAst.TOMLQuoted>, range: [number, number]): PObject {
  let current = from;
  for (const key of keys) {
    const name = tomlKeyName(key);
    let prop = findProp(current, name);
    if (!prop) {
      prop = { key: name, keyStart: key.range[0], keyEnd: key.range[1], value: { kind: 'object', start: range[0], end: range[1], props: [] } };
      current.props.push(prop);
    }
    let next = prop.value;
    // `[a.b]` after `[[a]]` refers to the last table of the array.
    if (next.kind === 'array') next = next.items[next.items.length - 1] ?? next;
    if (next.kind !== 'object') return current; // unreachable for a valid TOML document
    next.start = Math.min(next.start, range[0]);
    next.end = Math.max(next.end, range[1]);
    current = next;
  }
  return current;
}

function assignTomlKeyValue(table: PObject, keyValue: TomlAst.TOMLKeyValue): void {
  const keys = keyValue.key.keys;
  const target = descendToml(table, keys.slice(0, -1), keyValue.range);
  const last = keys[keys.length - 1];
  target.props.push({ key: tomlKeyName(last), keyStart: last.range[0], keyEnd: last.range[1], value: fromTomlValue(keyValue.value) });
}

function fromTomlValue(node: TomlAst.TOMLContentNode): PNode {
  const [start, end] = node.range;
  switch (node.type) {
    case 'TOMLArray':
      return { kind: 'array', start, end, items: node.elements.map(fromTomlValue) };
    case 'TOMLInlineTable': {
      const table: PObject = { kind: 'object', start, end, props: [] };
      for (const keyValue of node.body) assignTomlKeyValue(table, keyValue);
      return table;
    }
    default: {
      const value = 'datetime' in node ? node.datetime : node.value;
      return { kind: 'scalar', start, end, value };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// YAML (first document); aliases resolve to their anchored node

function parseYaml(source: string): ParsedTree {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { prettyErrors: false });
  } catch (error) {
    return { root: undefined, errors: [{ message: `YAML parser failed: ${String(error)}`, start: 0, end: 0 }] };
  }
  const errors = doc.errors.map((e) => ({ message: e.message.split('\n')[0], start: e.pos[0], end: e.pos[1] }));
  const root = doc.contents ? fromYaml(doc.contents, doc, 0) : undefined;
  return { root, errors };
}

const MAX_ALIAS_DEPTH = 32;

function fromYaml(node: YamlNode | null | undefined, doc: Document.Parsed, depth: number): PNode | undefined {
  if (!node || depth > MAX_ALIAS_DEPTH) return undefined;
  if (isAlias(node)) return fromYaml(node.resolve(doc) as YamlNode | undefined, doc, depth + 1);
  const [start, end] = node.range ?? [0, 0];
  if (isMap(node)) {
    const byKey = new Map<string, PProp>();
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      // Complex keys (maps or sequences as keys) never name anything a client reads.
      if (!isScalar(key) || !key.range) continue;
      const value = fromYaml(pair.value as YamlNode | null, doc, depth)
        ?? { kind: 'scalar' as const, start: key.range[1], end: key.range[1], value: null };
      // Duplicate keys are already a YAML error; keep the last like every loader does.
      byKey.delete(String(key.value));
      byKey.set(String(key.value), { key: String(key.value), keyStart: key.range[0], keyEnd: key.range[1], value });
    }
    return { kind: 'object', start, end, props: [...byKey.values()] };
  }
  if (isSeq(node)) {
    const items: PNode[] = [];
    for (const item of node.items) {
      const converted = fromYaml(item as YamlNode | null, doc, depth);
      if (converted) items.push(converted);
    }
    return { kind: 'array', start, end, items };
  }
  if (isScalar(node)) {
    const value: unknown = node.value;
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
      ? value
      : String(value);
    return { kind: 'scalar', start, end, value: scalar };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The last property named `key` (the one JSON.parse and every client keeps). */
export function findProp(object: PObject, key: string): PProp | undefined {
  for (let i = object.props.length - 1; i >= 0; i--) {
    if (object.props[i].key === key) return object.props[i];
  }
  return undefined;
}

function shiftTree(tree: ParsedTree, by: number): ParsedTree {
  const shift = (node: PNode): PNode => {
    const start = node.start + by;
    const end = node.end + by;
    if (node.kind === 'object') {
      return { kind: 'object', start, end, props: node.props.map((p) => ({ key: p.key, keyStart: p.keyStart + by, keyEnd: p.keyEnd + by, value: shift(p.value) })) };
    }
    if (node.kind === 'array') return { kind: 'array', start, end, items: node.items.map(shift) };
    return { ...node, start, end };
  };
  return {
    root: tree.root ? shift(tree.root) : undefined,
    errors: tree.errors.map((e) => ({ ...e, start: e.start + by, end: e.end + by })),
  };
}

