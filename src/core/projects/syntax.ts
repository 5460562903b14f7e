/** Small, language-neutral helpers over tree-sitter nodes. */
import type { SourceRange } from '../model';
import type { SyntaxNode } from '../parse/treeSitter';

/** Editor range (1-based line/column, UTF-16 offsets) of a node. */
export function rangeOf(node: SyntaxNode): SourceRange {
  return {
    start: { line: node.startPosition.row + 1, column: node.startPosition.column + 1, offset: node.startIndex },
    end: { line: node.endPosition.row + 1, column: node.endPosition.column + 1, offset: node.endIndex },
  };
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** Every descendant (and the node itself) of the given types, in document order. */
export function descendants(node: SyntaxNode, types: string | string[]): SyntaxNode[] {
  return node.descendantsOfType(types).filter((n): n is SyntaxNode => n !== null);
}

/** Nearest ancestor of one of the types, excluding the node itself. */
export function ancestor(node: SyntaxNode, types: ReadonlySet<string>): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (types.has(p.type)) return p;
  return undefined;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0',
};

const HEX_ESCAPE_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function isHex(text: string): boolean {
  if (text.length === 0) return false;
  for (const ch of text) if (!'0123456789abcdefABCDEF'.includes(ch)) return false;
  return true;
}

/** Decodes one backslash escape token (`\n`, `\u00e9`, `\u{1F600}`, `\x41`, `\'`...). */
export function decodeEscape(token: string): string {
  const body = token.slice(1);
  const simple = SIMPLE_ESCAPES[body];
  if (simple !== undefined) return simple;
  const kind = body[0] ?? '';
  let digits = '';
  if (kind === 'u' && body[1] === '{' && body.endsWith('}')) digits = body.slice(2, -1);
  else if (HEX_ESCAPE_LENGTH[kind] === body.length - 1) digits = body.slice(1);
  if (isHex(digits)) {
    const code = parseInt(digits, 16);
    if (code <= 0x10ffff) return String.fromCodePoint(code);
  }
  return body;
}

/**
 * Joins a literal's content children: text pieces verbatim, escapes decoded. Returns
 * undefined when any other child appears (an interpolation), since the value is then unknown.
 */
export function joinLiteral(node: SyntaxNode, contentTypes: ReadonlySet<string>, ignoredTypes: ReadonlySet<string>): string | undefined {
  let out = '';
  for (const child of node.children) {
    if (!child || ignoredTypes.has(child.type)) continue;
    if (contentTypes.has(child.type)) out += child.text;
    else if (child.type === 'escape_sequence') out += decodeEscape(child.text);
    else return undefined;
  }
  return out;
}
