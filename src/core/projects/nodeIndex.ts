/**
 * One walk per tree, shared by tool discovery and the authorization linter.
 *
 * A native `descendantsOfType` walk costs about the same whatever types it asks for, and
 * each crossing into wasm costs more than the JavaScript around it, so every whole-file
 * question ("all calls", "all declarators") is answered from buckets filled by a single walk
 * of the union of the types any consumer asks about, and subtree questions are binary
 * searches over those buckets. Node text is sliced from the source string, not read back
 * through the wasm binding.
 */
import type { SyntaxNode } from '../parse/treeSitter';

/**
 * Node types bucketed: what the extractors and the linter query by type, for every grammar at
 * once (a name a grammar does not have simply matches nothing there). Every bucketed node
 * costs an object, so only types asked about by type are here (not strings: many, and the
 * few questions about them are asked of small subtrees).
 */
const TYPES: readonly string[] = [
  // TypeScript / JavaScript
  'import_statement', 'call_expression', 'new_expression', 'variable_declarator', 'enum_declaration', 'function_declaration',
  'generator_function_declaration', 'assignment_expression', 'class_declaration', 'class', 'method_definition', 'pair',
  'public_field_definition', 'import_specifier', 'namespace_import', 'if_statement', 'throw_statement', 'return_statement',
  // Python
  'import_from_statement', 'assignment', 'function_definition', 'decorated_definition', 'call', 'keyword_argument', 'assert_statement',
  'raise_statement',
  // Go
  'import_spec', 'const_spec', 'var_spec', 'short_var_declaration', 'assignment_statement', 'method_declaration', 'func_literal', 'keyed_element',
];
const TYPE_SET: ReadonlySet<string> = new Set(TYPES);

function lowerBound(list: readonly SyntaxNode[], offset: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.startIndex < offset) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export class NodeIndex {
  private buckets: Map<string, SyntaxNode[]> | undefined;

  /** `text` is the exact string the tree was parsed from (indices are UTF-16 code units). */
  constructor(readonly root: SyntaxNode, readonly text: string) {}

  /** Whether queries for this type are answered from the buckets. */
  indexes(type: string): boolean {
    return TYPE_SET.has(type);
  }

  /** Every node of one indexed type in the file, in document order (the walk runs on first use). */
  of(type: string): readonly SyntaxNode[] {
    if (!this.buckets) {
      const buckets = new Map<string, SyntaxNode[]>();
      for (const t of TYPES) buckets.set(t, []);
      for (const n of this.root.descendantsOfType(TYPES as string[])) if (n) buckets.get(n.type)?.push(n);
      this.buckets = buckets;
    }
    return this.buckets.get(type) ?? [];
  }

  /**
   * Descendants of `node` (not the node itself) of the given indexed types, in document order.
   * Trees nest, so a node starting strictly inside `node` is its descendant; only nodes
   * starting at the same index can be ancestors and need their end compared.
   */
  within(node: SyntaxNode, types: readonly string[]): SyntaxNode[] {
    if (types.length !== 1) return this.withinTyped(node, types).map((t) => t.node);
    const out: SyntaxNode[] = [];
    const nodes = this.of(types[0]!);
    const start = node.startIndex;
    let i = lowerBound(nodes, start);
    if (i >= nodes.length) return out;
    const end = node.endIndex;
    for (; i < nodes.length && nodes[i]!.startIndex === start; i++) {
      const n = nodes[i]!;
      if (n.id !== node.id && n.endIndex <= end) out.push(n);
    }
    for (; i < nodes.length && nodes[i]!.startIndex < end; i++) out.push(nodes[i]!);
    return out;
  }

  /** The same, each with its type (known from its bucket: no call into the tree). */
  withinTyped(node: SyntaxNode, types: readonly string[]): Array<{ type: string; node: SyntaxNode }> {
    const out: Array<{ type: string; node: SyntaxNode }> = [];
    const start = node.startIndex;
    let end = -1;
    for (const type of types) {
      const nodes = this.of(type);
      let i = lowerBound(nodes, start);
      if (i < nodes.length && nodes[i]!.startIndex === start) {
        if (end < 0) end = node.endIndex;
        for (; i < nodes.length && nodes[i]!.startIndex === start; i++) {
          const n = nodes[i]!;
          if (n.id !== node.id && n.endIndex <= end) out.push({ type, node: n });
        }
      }
      if (i >= nodes.length) continue;
      if (end < 0) end = node.endIndex;
      for (; i < nodes.length && nodes[i]!.startIndex < end; i++) out.push({ type, node: nodes[i]! });
    }
    // Document (pre-)order: at the same start an ancestor comes before its descendants.
    if (types.length > 1) out.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
    return out;
  }

  /** The first descendant of `node` of the given indexed types, in document order; undefined when none. */
  first(node: SyntaxNode, types: readonly string[]): SyntaxNode | undefined {
    const start = node.startIndex;
    let end = -1;
    let best: SyntaxNode | undefined;
    for (const type of types) {
      const nodes = this.of(type);
      for (let i = lowerBound(nodes, start); i < nodes.length; i++) {
        const n = nodes[i]!;
        if (best && (n.startIndex > best.startIndex || (n.startIndex === best.startIndex && n.endIndex <= best.endIndex))) break;
        if (end < 0) end = node.endIndex;
        if (n.startIndex >= end) break;
        if (n.startIndex === start && (n.id === node.id || n.endIndex > end)) continue;
        best = n;
        break;
      }
    }
    return best;
  }

  /** Source text of a node, sliced from the parsed string. */
  textOf(node: SyntaxNode): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }
}
