/**
 * Python: tool registrations and transports of the `mcp` SDK (FastMCP / MCPServer and the
 * low-level `Server`) and of FastMCP 2.x/3.x, read from a tree-sitter tree.
 *
 * Heuristics:
 * - a registration counts when its receiver is bound in this file to an MCP constructor, or
 *   the file imports `mcp`/`fastmcp`, or the receiver's name mentions `mcp`/`server`
 *   (`from .server import mcp` in a tools module);
 * - it is dropped when the receiver is bound in this file to a call of something imported
 *   from another package and its name does not mention `mcp`/`server` (`app = Other()`);
 * - names are string literals or module constants holding one; the decorated function's
 *   name when the decorator gives none.
 */
import type { Transport } from '../model';
import type { SyntaxNode } from '../parse/treeSitter';
import { ancestor, decodeEscape, descendants, field, namedChildren } from './syntax';
import type { NodeIndex } from './nodeIndex';
import type { SourceAnalyzer, SourceContext, SourceFactsNodes, ToolRegistrationNodes } from './types';

const MCP_PACKAGES: ReadonlySet<string> = new Set(['mcp', 'fastmcp']);
/** Modules whose import shows server-side code (as opposed to an MCP client). */
const SERVER_MODULE_PREFIXES: readonly string[] = ['mcp.server', 'fastmcp'];
const SERVER_CONSTRUCTORS: ReadonlySet<string> = new Set(['FastMCP', 'MCPServer', 'Server', 'LowLevelServer']);

/** Values of `run(transport=...)`. */
const TRANSPORT_NAMES: Readonly<Record<string, Transport>> = {
  stdio: 'stdio',
  sse: 'sse',
  'streamable-http': 'http',
  streamable_http: 'http',
  http: 'http',
};

/** Server methods: a fixed transport, or `'arg'` = read the `transport` argument (default stdio). */
const SERVER_METHODS: Readonly<Record<string, Transport | 'arg'>> = {
  run: 'arg',
  run_async: 'arg',
  run_stdio_async: 'stdio',
  run_sse_async: 'sse',
  run_streamable_http_async: 'http',
  run_http_async: 'http',
  streamable_http_app: 'http',
  http_app: 'http',
  sse_app: 'sse',
};

/** Free functions / classes of the SDK that set up a transport. */
const TRANSPORT_CALLEES: Readonly<Record<string, Transport>> = {
  stdio_server: 'stdio',
  SseServerTransport: 'sse',
  StreamableHTTPSessionManager: 'http',
};

const MAX_DEPTH = 6;

class FileIndex {
  /** local name -> module it was imported from ('.x' for relative imports) */
  readonly imports = new Map<string, string>();
  readonly modules: string[] = [];
  /** name -> assigned values, any scope */
  readonly assignments = new Map<string, SyntaxNode[]>();
  readonly functions = new Map<string, SyntaxNode>();
  readonly bindings = new Map<string, 'mcp' | 'other'>();

  readonly root: SyntaxNode;

  constructor(readonly nodes: NodeIndex) {
    const root = (this.root = nodes.root);
    for (const { type, node } of nodes.withinTyped(root, ['import_statement', 'import_from_statement', 'assignment', 'function_definition'])) {
      if (type === 'import_statement') {
        for (const item of namedChildren(node)) {
          const dotted = item.type === 'aliased_import' ? field(item, 'name') : item;
          const alias = item.type === 'aliased_import' ? field(item, 'alias') : undefined;
          if (!dotted) continue;
          this.modules.push(dotted.text);
          this.imports.set(alias?.text ?? dotted.text.split('.')[0] ?? dotted.text, dotted.text);
        }
      } else if (type === 'import_from_statement') {
        const mod = field(node, 'module_name');
        if (!mod) continue;
        this.modules.push(mod.text);
        for (const item of namedChildren(node)) {
          if (item.equals(mod)) continue;
          const local = item.type === 'aliased_import' ? field(item, 'alias') : item;
          if (local) this.imports.set(local.text, mod.text);
        }
      } else if (type === 'assignment') {
        const left = field(node, 'left');
        const right = field(node, 'right');
        if (!left || !right) continue;
        if (left.type === 'identifier') {
          const list = this.assignments.get(left.text);
          if (list) list.push(right);
          else this.assignments.set(left.text, [right]);
        }
        if (left.type === 'identifier' || left.type === 'attribute') this.bind(left.text, right);
      } else {
        const name = field(node, 'name');
        if (name && !this.functions.has(name.text)) this.functions.set(name.text, node);
      }
    }
  }

  get importsMcp(): boolean {
    return this.modules.some((m) => MCP_PACKAGES.has(m.split('.')[0] ?? ''));
  }

  get importsServerModule(): boolean {
    return this.modules.some((m) => SERVER_MODULE_PREFIXES.some((p) => m === p || m.startsWith(p + '.')));
  }

  isMcpModule(local: string): boolean {
    const mod = this.imports.get(local);
    return mod !== undefined && MCP_PACKAGES.has(mod.split('.')[0] ?? '');
  }

  private bind(receiver: string, value: SyntaxNode): void {
    if (value.type !== 'call') return;
    const callee = field(value, 'function');
    if (!callee) return;
    const root = leftmost(callee);
    const from = root ? this.imports.get(root) : undefined;
    let verdict: 'mcp' | 'other' | undefined;
    // Where the callee comes from decides; its name only when it is not imported.
    if (from !== undefined) verdict = root && this.isMcpModule(root) ? 'mcp' : from.startsWith('.') ? undefined : 'other';
    else if (SERVER_CONSTRUCTORS.has(lastName(callee)) && this.importsMcp) verdict = 'mcp';
    if (verdict && this.bindings.get(receiver) !== 'mcp') this.bindings.set(receiver, verdict);
  }
}

function leftmost(node: SyntaxNode): string | undefined {
  let n = node;
  while (n.type === 'attribute') {
    const obj = field(n, 'object');
    if (!obj) return undefined;
    n = obj;
  }
  return n.type === 'identifier' ? n.text : undefined;
}

function lastName(node: SyntaxNode): string {
  return node.type === 'attribute' ? (field(node, 'attribute')?.text ?? '') : node.text;
}

/** A plain or raw string literal's value; undefined for f-strings, bytes and implicit concatenation. */
export function pythonString(node: SyntaxNode): string | undefined {
  if (node.type !== 'string') return undefined;
  let prefix = '';
  let out = '';
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === 'string_start') {
      prefix = child.text.toLowerCase();
      if (prefix.includes('f') || prefix.includes('b') || prefix.includes('t')) return undefined;
    } else if (child.type === 'string_content') {
      out += prefix.includes('r') ? child.text : decodeContent(child);
    } else if (child.type !== 'string_end') {
      return undefined; // interpolation
    }
  }
  return out;
}

function decodeContent(content: SyntaxNode): string {
  let out = '';
  let at = content.startIndex;
  const text = content.text;
  for (const esc of descendants(content, 'escape_sequence')) {
    out += text.slice(at - content.startIndex, esc.startIndex - content.startIndex) + decodeEscape(esc.text);
    at = esc.endIndex;
  }
  return out + text.slice(at - content.startIndex);
}

interface Analysis {
  index: FileIndex;
  context: SourceContext;
  registrations: ToolRegistrationNodes[];
  transports: Set<Transport>;
  /** Receivers known to be MCP servers: bound to a constructor, or used to register tools. */
  servers: Set<string>;
}

function resolveString(a: Analysis, node: SyntaxNode, depth = 0): string | undefined {
  const literal = pythonString(node);
  if (literal !== undefined || depth > MAX_DEPTH) return literal;
  if (node.type === 'identifier') {
    for (const value of a.index.assignments.get(node.text) ?? []) {
      const s = resolveString(a, value, depth + 1);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

function argList(call: SyntaxNode): { positional: SyntaxNode[]; keyword: Map<string, SyntaxNode> } {
  const positional: SyntaxNode[] = [];
  const keyword = new Map<string, SyntaxNode>();
  const args = field(call, 'arguments');
  for (const arg of args ? namedChildren(args) : []) {
    if (arg.type === 'keyword_argument') {
      const name = field(arg, 'name');
      const value = field(arg, 'value');
      if (name && value) keyword.set(name.text, value);
    } else {
      positional.push(arg);
    }
  }
  return { positional, keyword };
}

function receiverAccepted(a: Analysis, receiver: SyntaxNode): boolean {
  const hint = lastName(receiver).toLowerCase();
  const named = hint.includes('mcp') || hint.includes('server');
  const binding = a.index.bindings.get(receiver.text);
  if (binding === 'mcp') return true;
  if (binding === 'other') return named;
  return a.index.importsMcp || named;
}

function add(a: Analysis, reg: Omit<ToolRegistrationNodes, 'name'>, nameExpr: SyntaxNode): void {
  const name = resolveString(a, nameExpr);
  if (name === undefined || name === '') return;
  a.registrations.push({ name, ...reg, nameNode: nameExpr });
  if (reg.receiver) a.servers.add(reg.receiver);
}

/** A name taken as written (a function's own name), not resolved. */
function addVerbatim(a: Analysis, name: string, reg: Omit<ToolRegistrationNodes, 'name'>): void {
  a.registrations.push({ name, ...reg });
  if (reg.receiver) a.servers.add(reg.receiver);
}

/** `@x.tool`, `@x.tool()`, `@x.tool("name")`, `@x.tool(name="name")`, and the low-level decorators. */
function decorators(a: Analysis): void {
  for (const decorated of a.index.nodes.of('decorated_definition')) {
    const definition = field(decorated, 'definition');
    if (definition?.type !== 'function_definition') continue;
    for (const decorator of namedChildren(decorated).filter((d) => d.type === 'decorator')) {
      const expr = namedChildren(decorator)[0];
      if (!expr) continue;
      const call = expr.type === 'call' ? expr : undefined;
      const target = call ? field(call, 'function') : expr;
      if (target?.type !== 'attribute') continue;
      const method = field(target, 'attribute')?.text;
      const receiver = field(target, 'object');
      if (!receiver || !method || !receiverAccepted(a, receiver)) continue;
      if (method === 'tool') {
        const args = call ? argList(call) : undefined;
        const explicit = args?.keyword.get('name') ?? args?.positional.find((p) => pythonString(p) !== undefined);
        const reg = { kind: 'py-tool-decorator' as const, registrationNode: decorated, handlerNode: definition, receiver: receiver.text };
        const fnName = field(definition, 'name');
        if (explicit) add(a, { ...reg, nameNode: explicit }, explicit);
        else if (fnName) addVerbatim(a, fnName.text, { ...reg, nameNode: fnName });
      } else if (method === 'list_tools') {
        listedTools(a, definition, receiver.text);
      } else if (method === 'call_tool') {
        dispatchArms(a, definition, receiver.text);
      }
    }
  }
}

/** `Tool(name=...)` / `types.Tool(name=...)` built in a list_tools handler (or the constant it returns). */
function listedTools(a: Analysis, fn: SyntaxNode, receiver: string): void {
  const scopes: SyntaxNode[] = [fn];
  for (const ret of descendants(fn, 'return_statement')) {
    for (const id of descendants(ret, 'identifier')) scopes.push(...(a.index.assignments.get(id.text) ?? []));
  }
  const seen = new Set<number>();
  for (const scope of scopes) {
    for (const call of descendants(scope, 'call')) {
      const callee = field(call, 'function');
      if (!callee || lastName(callee) !== 'Tool' || seen.has(call.id)) continue;
      seen.add(call.id);
      const nameNode = argList(call).keyword.get('name');
      if (nameNode) add(a, { kind: 'py-low-level-list', nameNode, registrationNode: call, receiver }, nameNode);
    }
  }
  a.servers.add(receiver);
}

const BRANCH_TYPES: ReadonlySet<string> = new Set(['if_statement', 'elif_clause']);

/** `if name == "x":` / `elif ...` / `match name: case "x":` arms of a call_tool handler. */
function dispatchArms(a: Analysis, fn: SyntaxNode, receiver: string): void {
  for (const cmp of descendants(fn, 'comparison_operator')) {
    const branch = cmp.parent && BRANCH_TYPES.has(cmp.parent.type) && field(cmp.parent, 'condition')?.equals(cmp) ? cmp.parent : undefined;
    if (!branch || !cmp.children.some((c) => c?.type === '==')) continue;
    const [left, right] = namedChildren(cmp);
    if (!left || !right) continue;
    const literal = isNameLike(left) ? right : isNameLike(right) ? left : undefined;
    if (literal) add(a, { kind: 'py-low-level-case', nameNode: literal, registrationNode: branch, handlerNode: field(branch, 'consequence'), receiver }, literal);
  }
  for (const match of descendants(fn, 'match_statement')) {
    const subject = field(match, 'subject');
    if (!subject || !isNameLike(subject)) continue;
    for (const clause of descendants(match, 'case_clause')) {
      if (ancestor(clause, new Set(['match_statement']))?.equals(match) !== true) continue;
      const pattern = namedChildren(clause).find((c) => c.type === 'case_pattern');
      const literal = pattern ? namedChildren(pattern)[0] : undefined;
      if (literal) add(a, { kind: 'py-low-level-case', nameNode: literal, registrationNode: clause, handlerNode: field(clause, 'consequence'), receiver }, literal);
    }
  }
}

function isNameLike(node: SyntaxNode): boolean {
  const n = node.type === 'attribute' ? field(node, 'attribute') : node;
  return !!n && n.type === 'identifier' && n.text.toLowerCase().endsWith('name');
}

/**
 * A tool registered without `name=` is named after its function: `fn` → `fn`, and
 * `module.fn` / `obj.fn` → `fn` (the attribute, which is also the reported name range).
 */
function addNamedAfterFunction(a: Analysis, fnExpr: SyntaxNode | undefined, reg: Omit<ToolRegistrationNodes, 'name' | 'nameNode'>): void {
  if (fnExpr?.type === 'identifier') addVerbatim(a, fnExpr.text, { ...reg, nameNode: fnExpr });
  else if (fnExpr?.type === 'attribute') {
    const attribute = field(fnExpr, 'attribute');
    if (attribute?.type === 'identifier') addVerbatim(a, attribute.text, { ...reg, nameNode: attribute });
  }
}

/** `x.tool(name=...)(fn)`: the decorator applied by hand. */
function decoratorCall(a: Analysis, call: SyntaxNode, inner: SyntaxNode): void {
  const target = field(inner, 'function');
  const receiver = target?.type === 'attribute' ? field(target, 'object') : undefined;
  if (!target || !receiver || lastName(target) !== 'tool' || !receiverAccepted(a, receiver)) return;
  const innerArgs = argList(inner);
  const explicit = innerArgs.keyword.get('name') ?? innerArgs.positional.find((p) => pythonString(p) !== undefined);
  const fnExpr = argList(call).positional[0];
  const handler = fnExpr?.type === 'identifier' ? (a.index.functions.get(fnExpr.text) ?? fnExpr) : fnExpr;
  const reg = { kind: 'py-tool-decorator' as const, registrationNode: call, handlerNode: handler, receiver: receiver.text };
  if (explicit) add(a, { ...reg, nameNode: explicit }, explicit);
  else addNamedAfterFunction(a, fnExpr, reg);
}

/** `x.add_tool(fn, name=...)`, `x.add_tool(Tool.from_function(fn, name=...))` and `x.tool()(fn)`. */
function addToolCalls(a: Analysis): void {
  for (const call of a.index.nodes.of('call')) {
    const callee = field(call, 'function');
    // A decorator's own call has a decorator node as parent; only calls of its result count here.
    if (callee?.type === 'call' && call.parent?.type !== 'decorator') {
      decoratorCall(a, call, callee);
      continue;
    }
    const receiver = callee?.type === 'attribute' ? field(callee, 'object') : undefined;
    if (!callee || !receiver || lastName(callee) !== 'add_tool' || !receiverAccepted(a, receiver)) continue;
    let args = argList(call);
    const first = args.positional[0];
    const firstCallee = first?.type === 'call' ? field(first, 'function') : undefined;
    if (first && firstCallee && lastName(firstCallee) === 'from_function') args = argList(first);
    const fnExpr = args.positional[0];
    const explicit = args.keyword.get('name');
    const handler = fnExpr?.type === 'identifier' ? (a.index.functions.get(fnExpr.text) ?? fnExpr) : fnExpr;
    const reg = { kind: 'py-add-tool' as const, registrationNode: call, handlerNode: handler, receiver: receiver.text };
    if (explicit) add(a, { ...reg, nameNode: explicit }, explicit);
    else addNamedAfterFunction(a, fnExpr, reg);
  }
}

function transportsOf(a: Analysis): void {
  for (const [name, verdict] of a.index.bindings) if (verdict === 'mcp') a.servers.add(name);
  for (const call of a.index.nodes.of('call')) {
    const callee = field(call, 'function');
    if (!callee) continue;
    const name = lastName(callee);
    const receiver = callee.type === 'attribute' ? field(callee, 'object') : undefined;
    const method = Object.prototype.hasOwnProperty.call(SERVER_METHODS, name) ? SERVER_METHODS[name] : undefined;
    if (method && receiver && a.servers.has(receiver.text)) {
      if (method !== 'arg') {
        a.transports.add(method);
        continue;
      }
      const args = argList(call);
      const value = args.keyword.get('transport') ?? args.positional[0];
      if (!value) {
        a.transports.add('stdio');
        continue;
      }
      const resolved = resolveString(a, value);
      const candidates = resolved !== undefined ? [resolved] : descendants(value, 'string').map((s) => pythonString(s) ?? '');
      for (const c of candidates) {
        const t = TRANSPORT_NAMES[c];
        if (t) a.transports.add(t);
      }
    } else if (a.index.importsMcp && Object.prototype.hasOwnProperty.call(TRANSPORT_CALLEES, name)) {
      const t = TRANSPORT_CALLEES[name];
      if (t) a.transports.add(t);
    }
  }
}

export const analyzePython: SourceAnalyzer = (_root, context, nodes): SourceFactsNodes => {
  const index = new FileIndex(nodes);
  const a: Analysis = { index, context, registrations: [], transports: new Set(), servers: new Set() };
  decorators(a);
  addToolCalls(a);
  transportsOf(a);
  const constructs = [...index.bindings.values()].includes('mcp');
  return {
    registrations: a.registrations,
    transports: [...a.transports],
    serverEvidence: index.importsServerModule || constructs || a.registrations.length > 0 || a.transports.size > 0,
  };
};
