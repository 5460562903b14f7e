/**
 * Go: tool registrations and transports of mark3labs/mcp-go and the official Go SDK, read
 * from a tree-sitter tree. Package references are resolved through the file's imports
 * (aliases included), so only code that imports an SDK package is considered.
 */
import type { Transport } from '../model';
import type { SyntaxNode } from '../parse/treeSitter';
import { descendants, field, joinLiteral, namedChildren } from './syntax';
import type { NodeIndex } from './nodeIndex';
import type { RegistrationKind, SourceAnalyzer, SourceFactsNodes, ToolRegistrationNodes } from './types';

type GoPackage = 'mcp-go/mcp' | 'mcp-go/server' | 'go-sdk/mcp';

const PACKAGES: Readonly<Record<string, GoPackage>> = {
  'github.com/mark3labs/mcp-go/mcp': 'mcp-go/mcp',
  'github.com/mark3labs/mcp-go/server': 'mcp-go/server',
  'github.com/modelcontextprotocol/go-sdk/mcp': 'go-sdk/mcp',
};

const KIND_OF: Readonly<Record<GoPackage, RegistrationKind>> = {
  'mcp-go/mcp': 'go-mcp-go-add-tool',
  'mcp-go/server': 'go-mcp-go-add-tool',
  'go-sdk/mcp': 'go-sdk-add-tool',
};

/** `pkg.Name` references (calls, composite literal types) that set up a transport. */
const TRANSPORTS: ReadonlyArray<{ pkg: GoPackage; name: string; transport: Transport }> = [
  { pkg: 'mcp-go/server', name: 'ServeStdio', transport: 'stdio' },
  { pkg: 'mcp-go/server', name: 'NewStdioServer', transport: 'stdio' },
  { pkg: 'mcp-go/server', name: 'NewStreamableHTTPServer', transport: 'http' },
  { pkg: 'mcp-go/server', name: 'NewSSEServer', transport: 'sse' },
  { pkg: 'go-sdk/mcp', name: 'StdioTransport', transport: 'stdio' },
  { pkg: 'go-sdk/mcp', name: 'NewStdioTransport', transport: 'stdio' },
  { pkg: 'go-sdk/mcp', name: 'NewStreamableHTTPHandler', transport: 'http' },
  { pkg: 'go-sdk/mcp', name: 'StreamableServerTransport', transport: 'http' },
  { pkg: 'go-sdk/mcp', name: 'NewStreamableServerTransport', transport: 'http' },
  { pkg: 'go-sdk/mcp', name: 'NewSSEHandler', transport: 'sse' },
  { pkg: 'go-sdk/mcp', name: 'SSEServerTransport', transport: 'sse' },
];

/** Constructors of a server (evidence that this is server code, not an MCP client). */
const SERVER_CONSTRUCTORS: ReadonlyArray<{ pkg: GoPackage; name: string }> = [
  { pkg: 'mcp-go/server', name: 'NewMCPServer' },
  { pkg: 'go-sdk/mcp', name: 'NewServer' },
];

/** mcp-go tool constructors whose first argument is the name. */
const TOOL_CONSTRUCTORS: ReadonlySet<string> = new Set(['NewTool', 'NewToolWithRawSchema']);

const STRING_CONTENT: ReadonlySet<string> = new Set(['interpreted_string_literal_content', 'raw_string_literal_content']);
const QUOTES: ReadonlySet<string> = new Set(['"', '`']);
const MAX_DEPTH = 6;

/** The package name Go gives an import path by default (`.../v2` -> the segment before). */
function defaultPackageName(importPath: string): string {
  const segments = importPath.split('/');
  let last = segments[segments.length - 1] ?? importPath;
  const isMajor = last.length > 1 && last[0] === 'v' && [...last.slice(1)].every((c) => c >= '0' && c <= '9');
  if (isMajor && segments.length > 1) last = segments[segments.length - 2] ?? last;
  return last;
}

class FileIndex {
  /** alias -> SDK package */
  readonly packages = new Map<string, GoPackage>();
  /** identifier -> values it is declared or assigned with */
  readonly decls = new Map<string, SyntaxNode[]>();

  constructor(readonly nodes: NodeIndex) {
    const root = nodes.root;
    for (const spec of nodes.of('import_spec')) {
      const pathNode = field(spec, 'path');
      const importPath = pathNode ? goString(pathNode) : undefined;
      const pkg = importPath !== undefined ? PACKAGES[importPath] : undefined;
      if (!importPath || !pkg) continue;
      const alias = field(spec, 'name')?.text ?? defaultPackageName(importPath);
      this.packages.set(alias, pkg);
    }
    for (const { type, node } of nodes.withinTyped(root, ['const_spec', 'var_spec', 'short_var_declaration', 'assignment_statement'])) {
      const isSpec = type === 'const_spec' || type === 'var_spec';
      const names = isSpec ? node.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null) : namedChildren(field(node, 'left') ?? node);
      const valueList = field(node, isSpec ? 'value' : 'right');
      const values = valueList ? namedChildren(valueList) : [];
      names.forEach((name, i) => {
        const value = values[i];
        if (name.type !== 'identifier' || !value) return;
        const list = this.decls.get(name.text);
        if (list) list.push(value);
        else this.decls.set(name.text, [value]);
      });
    }
  }

  /** `alias.Name` (selector or qualified type) -> its SDK package and name. */
  reference(node: SyntaxNode): { pkg: GoPackage; name: string } | undefined {
    let alias: SyntaxNode | undefined;
    let name: SyntaxNode | undefined;
    if (node.type === 'selector_expression') {
      alias = field(node, 'operand');
      name = field(node, 'field');
    } else if (node.type === 'qualified_type') {
      alias = field(node, 'package');
      name = field(node, 'name');
    }
    const pkg = alias ? this.packages.get(alias.text) : undefined;
    return pkg && name ? { pkg, name: name.text } : undefined;
  }
}

function goString(node: SyntaxNode): string | undefined {
  if (node.type !== 'interpreted_string_literal' && node.type !== 'raw_string_literal') return undefined;
  return joinLiteral(node, STRING_CONTENT, QUOTES);
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.type === 'unary_expression' || n.type === 'parenthesized_expression' || n.type === 'literal_element') {
    const inner = field(n, 'operand') ?? namedChildren(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

function resolveString(index: FileIndex, node: SyntaxNode, depth = 0): string | undefined {
  const n = unwrap(node);
  const literal = goString(n);
  if (literal !== undefined || depth > MAX_DEPTH) return literal;
  if (n.type === 'identifier') {
    for (const value of index.decls.get(n.text) ?? []) {
      const s = resolveString(index, value, depth + 1);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/** The keyed element `Key: value` of a composite literal. */
function keyed(literal: SyntaxNode, key: string): SyntaxNode | undefined {
  const body = field(literal, 'body');
  for (const element of body ? namedChildren(body) : []) {
    if (element.type !== 'keyed_element') continue;
    const [k, v] = namedChildren(element);
    if (k && v && unwrap(k).text === key) return unwrap(v);
  }
  return undefined;
}

/** The name expression of a tool value: `mcp.NewTool("x", ...)`, `&mcp.Tool{Name: "x"}`, or a variable holding one. */
function toolName(index: FileIndex, expr: SyntaxNode, depth = 0): { nameNode: SyntaxNode; pkg: GoPackage } | undefined {
  const n = unwrap(expr);
  if (n.type === 'call_expression') {
    const fn = field(n, 'function');
    const ref = fn ? index.reference(fn) : undefined;
    const first = namedChildren(field(n, 'arguments') ?? n)[0];
    if (ref && TOOL_CONSTRUCTORS.has(ref.name) && first) return { nameNode: first, pkg: ref.pkg };
  } else if (n.type === 'composite_literal') {
    const type = field(n, 'type');
    const ref = type ? index.reference(type) : undefined;
    const name = ref?.name === 'Tool' ? keyed(n, 'Name') : undefined;
    if (ref && name) return { nameNode: name, pkg: ref.pkg };
  } else if (n.type === 'identifier' && depth < MAX_DEPTH) {
    for (const value of index.decls.get(n.text) ?? []) {
      const found = toolName(index, value, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function addTool(index: FileIndex, out: ToolRegistrationNodes[], call: SyntaxNode, toolExpr: SyntaxNode | undefined, handler: SyntaxNode | undefined, receiver?: string): void {
  const tool = toolExpr ? toolName(index, toolExpr) : undefined;
  const name = tool ? resolveString(index, tool.nameNode) : undefined;
  if (!tool || name === undefined || name === '') return;
  out.push({ name, kind: KIND_OF[tool.pkg], nameNode: tool.nameNode, registrationNode: call, handlerNode: handler, receiver });
}

export const analyzeGo: SourceAnalyzer = (root, _context, nodes): SourceFactsNodes => {
  const index = new FileIndex(nodes);
  const registrations: ToolRegistrationNodes[] = [];
  const transports = new Set<Transport>();
  if (index.packages.size === 0) return { registrations, transports: [], serverEvidence: false };
  let constructs = false;

  for (const call of nodes.of('call_expression')) {
    const fn = field(call, 'function');
    if (fn?.type !== 'selector_expression') continue;
    const method = field(fn, 'field')?.text;
    const args = namedChildren(field(call, 'arguments') ?? call);
    const ref = index.reference(fn);
    if (ref && SERVER_CONSTRUCTORS.some((c) => c.pkg === ref.pkg && c.name === ref.name)) constructs = true;
    if (method === 'AddTool') {
      // go-sdk's generic package function takes the server first; methods take the tool first.
      if (ref?.pkg === 'go-sdk/mcp') addTool(index, registrations, call, args[1], args[2], args[0]?.text);
      else addTool(index, registrations, call, args[0], args[1], field(fn, 'operand')?.text);
    } else if (method === 'AddTools') {
      for (const arg of args) {
        const literal = unwrap(arg);
        if (literal.type === 'composite_literal') addTool(index, registrations, call, keyed(literal, 'Tool'), keyed(literal, 'Handler'), field(fn, 'operand')?.text);
      }
    }
  }
  for (const node of descendants(root, ['selector_expression', 'qualified_type'])) {
    const ref = index.reference(node);
    const hit = ref ? TRANSPORTS.find((t) => t.pkg === ref.pkg && t.name === ref.name) : undefined;
    if (hit) transports.add(hit.transport);
  }
  const importsServer = [...index.packages.values()].includes('mcp-go/server');
  return {
    registrations,
    transports: [...transports],
    serverEvidence: importsServer || constructs || registrations.length > 0 || transports.size > 0,
  };
};
