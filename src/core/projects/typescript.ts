/**
 * TypeScript / JavaScript: tool registrations and transports of the MCP SDK (v1 and v2),
 * punkpeye's fastmcp, mcp-framework, mcp-handler and xmcp, read from a tree-sitter tree.
 *
 * Heuristics (cheap; see README.md in this folder):
 * - a registration call counts when the file imports an MCP module, or the receiver's
 *   name mentions `server`/`mcp` (helper modules that get the server as a parameter);
 * - it is dropped when the receiver is bound in this file to `new X()`/`X()` with `X`
 *   imported from a package that is not an MCP package (clearly another library);
 * - names must be string literals, or identifiers / `Enum.Member` / `obj.key` that resolve
 *   to string literals in the same file; anything else is skipped.
 */
import * as path from 'node:path';
import type { Transport } from '../model';
import type { SyntaxNode } from '../parse/treeSitter';
import { moduleKeyOf } from './exportedStrings';
import type { NodeIndex } from './nodeIndex';
import { descendants, field, joinLiteral, namedChildren } from './syntax';
import type { SourceAnalyzer, SourceContext, SourceFactsNodes, ToolRegistrationNodes } from './types';

/** Module specifiers of MCP packages; `server` marks server-side modules (evidence of a server). */
const MCP_MODULES: ReadonlyArray<{ prefix: string; server: boolean }> = [
  { prefix: '@modelcontextprotocol/sdk/server', server: true },
  { prefix: '@modelcontextprotocol/sdk', server: false },
  { prefix: '@modelcontextprotocol/server', server: true },
  { prefix: '@modelcontextprotocol/server-legacy', server: true },
  { prefix: '@modelcontextprotocol/node', server: true },
  { prefix: '@modelcontextprotocol/express', server: true },
  { prefix: '@modelcontextprotocol/hono', server: true },
  { prefix: '@modelcontextprotocol', server: false },
  { prefix: 'fastmcp', server: true },
  { prefix: 'mcp-framework', server: true },
  { prefix: 'mcp-handler', server: true },
  { prefix: '@vercel/mcp-adapter', server: true },
  { prefix: 'xmcp', server: true },
];

const MODULE_KINDS = new Map<string, { server: boolean } | null>();

function mcpModule(spec: string): { server: boolean } | undefined {
  let kind = MODULE_KINDS.get(spec);
  if (kind === undefined) {
    kind = MCP_MODULES.find((m) => spec === m.prefix || spec.startsWith(m.prefix + '/')) ?? null;
    if (MODULE_KINDS.size > 10_000) MODULE_KINDS.clear();
    MODULE_KINDS.set(spec, kind);
  }
  return kind ?? undefined;
}

function isPackageSpecifier(spec: string): boolean {
  // Relative paths, absolute paths and common path aliases (`@/x`, `~/x`, `#x`) are local.
  return !(spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('@/') || spec.startsWith('~') || spec.startsWith('#'));
}

/** Constructors that make an MCP server object. */
const SERVER_CONSTRUCTORS: ReadonlySet<string> = new Set(['McpServer', 'Server', 'FastMCP', 'MCPServer']);

/** Calls / constructors that set up a transport. */
const TRANSPORT_CALLEES: Readonly<Record<string, Transport>> = {
  StdioServerTransport: 'stdio',
  StreamableHTTPServerTransport: 'http',
  NodeStreamableHTTPServerTransport: 'http',
  WebStandardStreamableHTTPServerTransport: 'http',
  createMcpExpressApp: 'http',
  createMcpHonoApp: 'http',
  createMcpHandler: 'http',
  SSEServerTransport: 'sse',
};

/** fastmcp `server.start({ transportType })` values. */
const FASTMCP_TRANSPORTS: Readonly<Record<string, Transport>> = { stdio: 'stdio', httpStream: 'http', sse: 'sse' };
/** mcp-framework `new MCPServer({ transport: { type } })` values. */
const MCP_FRAMEWORK_TRANSPORTS: Readonly<Record<string, Transport>> = { stdio: 'stdio', 'http-stream': 'http', sse: 'sse' };
/** Express-style route methods; `app.post('/mcp', ...)` in an MCP file means an HTTP endpoint. */
const ROUTE_METHODS: ReadonlySet<string> = new Set(['post', 'get', 'all', 'use', 'delete']);

const LIST_SCHEMAS: ReadonlySet<string> = new Set(['ListToolsRequestSchema', 'tools/list']);
const CALL_SCHEMAS: ReadonlySet<string> = new Set(['CallToolRequestSchema', 'tools/call']);

const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  'arrow_function', 'function_expression', 'function', 'function_declaration', 'generator_function', 'method_definition',
]);
const WRAPPER_TYPES: ReadonlySet<string> = new Set([
  'parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion', 'await_expression',
]);
const STRING_CONTENT: ReadonlySet<string> = new Set(['string_fragment']);
const STRING_QUOTES: ReadonlySet<string> = new Set(['"', "'", '`']);
const MAX_DEPTH = 6;

/** Where an import statement or a `require` / `import()` call can start. */
const IMPORT_WORD = /import|require/g;

/** Per-file index: imports and top-level-or-nested declarations by name. */
class FileIndex {
  /** Module specifiers imported or required anywhere in the file. */
  readonly specifiers: string[] = [];
  /** The file imports an MCP module / a server-side MCP module. */
  readonly importsMcp: boolean;
  readonly importsServerModule: boolean;
  readonly root: SyntaxNode;
  private declarations: { imports: Map<string, string>; importedNames: Map<string, string>; decls: Map<string, SyntaxNode[]>; bindings: Map<string, 'mcp' | 'other'> } | undefined;

  constructor(readonly nodes: NodeIndex) {
    this.root = nodes.root;
    // Which modules, not where. An import statement starts with `import`, a `require(...)` /
    // `import(...)` call with its callee: both are found from the words in the text (no walk
    // of the tree), each confirmed on the nodes that start there.
    const text = nodes.text;
    const imports: SyntaxNode[] = [];
    const calls: SyntaxNode[] = [];
    IMPORT_WORD.lastIndex = 0;
    for (let m = IMPORT_WORD.exec(text); m; m = IMPORT_WORD.exec(text)) {
      const at = m.index;
      const found: SyntaxNode[] = [];
      for (let n: SyntaxNode | null = this.root.descendantForIndex(at); n && n.startIndex === at; n = n.parent) found.push(n);
      // Outermost first, as a pre-order walk lists them.
      for (let i = found.length - 1; i >= 0; i--) {
        const n = found[i]!;
        const type = n.type;
        if (type === 'import_statement') imports.push(n);
        else if (type === 'call_expression') calls.push(n);
      }
    }
    for (const node of imports) {
      const spec = importSource(node);
      if (spec !== undefined) this.specifiers.push(spec);
    }
    for (const node of calls) {
      const spec = mayRequire(text, node) ? requireSource(node) : undefined;
      if (spec !== undefined) this.specifiers.push(spec);
    }
    this.importsMcp = this.specifiers.some((s) => mcpModule(s) !== undefined);
    this.importsServerModule = this.specifiers.some((s) => mcpModule(s)?.server === true);
  }

  /** local name -> module specifier */
  get imports(): Map<string, string> {
    return this.declared().imports;
  }

  /** local name -> the name the module exports it as (`{ a as b }`: b -> a; `* as ns`: ns -> `*`) */
  get importedNames(): Map<string, string> {
    return this.declared().importedNames;
  }

  /** name -> declared values (initialisers, enum declarations, function declarations) */
  get decls(): Map<string, SyntaxNode[]> {
    return this.declared().decls;
  }

  /** receiver text -> what it was bound to in this file */
  get bindings(): Map<string, 'mcp' | 'other'> {
    return this.declared().bindings;
  }

  importsPackage(pkg: string): boolean {
    return this.specifiers.some((s) => s === pkg || s.startsWith(pkg + '/'));
  }

  /**
   * Local names, declarations and receiver bindings: only files that register tools or import
   * an MCP module ask, so the others never read their declarators. Built in document order, as
   * `bind` sees only the imports above it.
   */
  private declared(): NonNullable<FileIndex['declarations']> {
    if (this.declarations) return this.declarations;
    const d = (this.declarations = { imports: new Map<string, string>(), importedNames: new Map<string, string>(), decls: new Map<string, SyntaxNode[]>(), bindings: new Map<string, 'mcp' | 'other'>() });
    const text = this.nodes.text;
    for (const { type, node } of this.nodes.withinTyped(this.root, ['import_statement', 'call_expression', 'variable_declarator', 'enum_declaration', 'function_declaration', 'assignment_expression'])) {
      switch (type) {
        case 'import_statement': this.addImport(node); break;
        case 'call_expression':
          if (mayRequire(text, node)) this.addRequire(node);
          break;
        case 'variable_declarator': {
          const name = field(node, 'name');
          const value = field(node, 'value');
          if (name?.type === 'identifier' && value) this.addDecl(name.text, value);
          break;
        }
        case 'enum_declaration':
        case 'function_declaration': {
          const name = field(node, 'name');
          if (name) this.addDecl(name.text, node);
          break;
        }
        case 'assignment_expression': {
          const left = field(node, 'left');
          const right = field(node, 'right');
          if (left && right && left.type === 'member_expression') this.bind(left.text, right);
          break;
        }
      }
    }
    for (const [name, values] of d.decls) for (const v of values) this.bind(name, v);
    return d;
  }

  private addDecl(name: string, value: SyntaxNode): void {
    const list = this.decls.get(name);
    if (list) list.push(value);
    else this.decls.set(name, [value]);
  }

  private addImport(node: SyntaxNode): void {
    const spec = importSource(node);
    if (spec === undefined) return;
    for (const id of descendants(node, ['identifier'])) {
      // Named imports: `{ a as b }` binds b (the alias), `{ a }` binds a.
      const parent = id.parent;
      if (parent?.type === 'import_specifier' && field(parent, 'alias') && field(parent, 'name')?.equals(id)) continue;
      this.imports.set(id.text, spec);
      if (parent?.type === 'import_specifier') this.importedNames.set(id.text, field(parent, 'name')?.text ?? id.text);
      else if (parent?.type === 'namespace_import') this.importedNames.set(id.text, '*');
    }
  }

  private addRequire(call: SyntaxNode): void {
    const spec = requireSource(call);
    if (spec === undefined) return;
    const declarator = call.parent?.type === 'variable_declarator' ? call.parent : undefined;
    const name = declarator ? field(declarator, 'name') : undefined;
    if (!name) return;
    const ids = name.type === 'identifier' ? [name] : descendants(name, ['identifier', 'shorthand_property_identifier_pattern']);
    for (const id of ids) this.imports.set(id.text, spec);
  }

  /** Records what `receiver = value` binds, to veto receivers that are clearly another library's object. */
  private bind(receiver: string, value: SyntaxNode): void {
    const v = unwrap(value);
    if (v.type !== 'new_expression' && v.type !== 'call_expression') return;
    const callee = field(v, v.type === 'new_expression' ? 'constructor' : 'function');
    if (!callee) return;
    const rootName = leftmostIdentifier(callee);
    const spec = rootName ? this.imports.get(rootName) : undefined;
    let verdict: 'mcp' | 'other' | undefined;
    // Where the callee comes from decides; its name only when it is not imported.
    if (spec !== undefined) verdict = mcpModule(spec) ? 'mcp' : isPackageSpecifier(spec) ? 'other' : undefined;
    else if (SERVER_CONSTRUCTORS.has(lastName(callee))) verdict = 'mcp';
    if (verdict && this.bindings.get(receiver) !== 'mcp') this.bindings.set(receiver, verdict);
  }
}

/** A call's text starts with its callee's: only `require` / `import` followed by a non-name character can be one. */
function mayRequire(text: string, call: SyntaxNode): boolean {
  const start = call.startIndex;
  const word = text.startsWith('require', start) ? 7 : text.startsWith('import', start) ? 6 : 0;
  if (word === 0) return false;
  const next = text.charCodeAt(start + word);
  const nameChar = (next >= 0x30 && next <= 0x39) || (next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || next === 0x5f || next === 0x24 || next > 0x7f;
  return !nameChar;
}

/** The module an import statement names. */
function importSource(node: SyntaxNode): string | undefined {
  const source = field(node, 'source');
  return source ? stringValue(source) : undefined;
}

/** The module of `require('x')` / `import('x')`; undefined for any other call. */
function requireSource(call: SyntaxNode): string | undefined {
  const fn = field(call, 'function');
  if (!fn || !(fn.text === 'require' || fn.type === 'import')) return undefined;
  const arg = namedChildren(field(call, 'arguments') ?? call)[0];
  return arg ? stringValue(arg) : undefined;
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (WRAPPER_TYPES.has(n.type)) {
    const inner = namedChildren(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

function leftmostIdentifier(node: SyntaxNode): string | undefined {
  let n = node;
  while (n.type === 'member_expression') {
    const obj = field(n, 'object');
    if (!obj) return undefined;
    n = obj;
  }
  return n.type === 'identifier' ? n.text : undefined;
}

/** `a.b.C` -> `C`; `C` -> `C`. */
function lastName(node: SyntaxNode): string {
  if (node.type === 'member_expression') return field(node, 'property')?.text ?? '';
  return node.text;
}

/** The value of a string or substitution-free template literal. */
function stringValue(node: SyntaxNode): string | undefined {
  if (node.type !== 'string' && node.type !== 'template_string') return undefined;
  return joinLiteral(node, STRING_CONTENT, STRING_QUOTES);
}

function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  const args = field(call, 'arguments');
  return args ? namedChildren(args) : [];
}

/** Resolves expressions to a string value through same-file constants, enums and object literals. */
class Resolver {
  constructor(private readonly index: FileIndex, private readonly context?: SourceContext) {}

  /** `X` / `Obj.KEY` (`ns.X` for `import * as ns`) exported as a string constant by a sibling module. */
  private imported(local: string, member?: string): string | undefined {
    const strings = this.context?.importedStrings;
    const spec = strings ? this.index.imports.get(local) : undefined;
    const module = spec !== undefined && this.context ? moduleKeyOf(this.context.file, spec) : undefined;
    const entries = module ? strings!.get(module) : undefined;
    if (!entries) return undefined;
    const name = this.index.importedNames.get(local);
    if (name === undefined) return undefined;
    if (name === '*') return member === undefined ? undefined : entries.get(member);
    return entries.get(member === undefined ? name : `${name}.${member}`);
  }

  string(node: SyntaxNode, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    const literal = stringValue(n);
    if (literal !== undefined) return literal;
    if (isIdentifier(n)) {
      const values = this.index.decls.get(n.text);
      for (const value of values ?? []) {
        const s = this.string(value, depth + 1);
        if (s !== undefined) return s;
      }
      return values ? undefined : this.imported(n.text);
    }
    if (n.type === 'member_expression') {
      const obj = field(n, 'object');
      const prop = field(n, 'property')?.text;
      if (!obj || !prop) return undefined;
      if (obj.type === 'identifier') {
        for (const decl of this.index.decls.get(obj.text) ?? []) {
          if (decl.type === 'enum_declaration') {
            const member = enumMember(decl, prop);
            if (member) return this.string(member, depth + 1);
          }
        }
      }
      const object = this.object(obj, depth + 1);
      const entry = object ? property(object, prop) : undefined;
      if (entry) return this.string(entry.value, depth + 1);
      return obj.type === 'identifier' && !this.index.decls.has(obj.text) ? this.imported(obj.text, prop) : undefined;
    }
    return undefined;
  }

  object(node: SyntaxNode, depth = 0): SyntaxNode | undefined {
    return this.follow(node, 'object', depth);
  }

  array(node: SyntaxNode, depth = 0): SyntaxNode | undefined {
    return this.follow(node, 'array', depth);
  }

  /** A function node for a handler expression: inline, or a same-file declaration of that name. */
  func(node: SyntaxNode, depth = 0): SyntaxNode | undefined {
    const n = unwrap(node);
    if (FUNCTION_TYPES.has(n.type)) return n;
    if (isIdentifier(n) && depth < MAX_DEPTH) {
      for (const value of this.index.decls.get(n.text) ?? []) {
        const f = this.func(value, depth + 1);
        if (f) return f;
      }
    }
    return undefined;
  }

  private follow(node: SyntaxNode, type: string, depth: number): SyntaxNode | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    if (n.type === type) return n;
    if (isIdentifier(n)) {
      for (const value of this.index.decls.get(n.text) ?? []) {
        const found = this.follow(value, type, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
}

/** Identifiers, including the shorthand `{ tools }` (which stands for the variable `tools`). */
function isIdentifier(node: SyntaxNode): boolean {
  return node.type === 'identifier' || node.type === 'shorthand_property_identifier';
}

function enumMember(decl: SyntaxNode, name: string): SyntaxNode | undefined {
  const body = field(decl, 'body');
  for (const m of body ? namedChildren(body) : []) {
    if (m.type === 'enum_assignment' && field(m, 'name')?.text === name) return field(m, 'value');
  }
  return undefined;
}

/** A property of an object literal: `key: value`, shorthand `key`, or method `key() {}`. */
function property(object: SyntaxNode, key: string): { key: SyntaxNode; value: SyntaxNode } | undefined {
  for (const member of namedChildren(object)) {
    if (member.type === 'pair') {
      const k = field(member, 'key');
      const v = field(member, 'value');
      if (k && v && (k.type === 'property_identifier' ? k.text : stringValue(k)) === key) return { key: k, value: v };
    } else if (member.type === 'shorthand_property_identifier' && member.text === key) {
      return { key: member, value: member };
    } else if (member.type === 'method_definition' && field(member, 'name')?.text === key) {
      const name = field(member, 'name');
      if (name) return { key: name, value: member };
    }
  }
  return undefined;
}

interface Analysis {
  index: FileIndex;
  resolve: Resolver;
  context: SourceContext;
  registrations: ToolRegistrationNodes[];
  transports: Set<Transport>;
}

/** Whether a registration on this receiver should count (see the module comment). */
function receiverAccepted(a: Analysis, receiver: SyntaxNode): boolean {
  const key = receiver.text;
  const binding = a.index.bindings.get(key);
  if (binding === 'other') return false;
  if (binding === 'mcp' || a.index.importsMcp) return true;
  const name = lastName(receiver).toLowerCase();
  return name.includes('server') || name.includes('mcp');
}

type CallHandler = (a: Analysis, call: SyntaxNode, receiver: SyntaxNode, args: SyntaxNode[]) => void;

function addNamed(a: Analysis, reg: Omit<ToolRegistrationNodes, 'name'>, nameExpr: SyntaxNode): void {
  const name = a.resolve.string(nameExpr);
  if (name === undefined || name === '') return;
  a.registrations.push({ name, ...reg, nameNode: nameExpr });
}

/**
 * A property of an object literal, looking through `...spread` of same-file object constants
 * (`{ ...scrapeTool, _meta }`); the last occurrence wins, as at run time.
 */
function spreadProperty(a: Analysis, object: SyntaxNode, key: string, depth = 0): { key: SyntaxNode; value: SyntaxNode } | undefined {
  const own = property(object, key);
  const members = namedChildren(object);
  if (depth > 3 || !members.some((m) => m.type === 'spread_element')) return own;
  let found: { key: SyntaxNode; value: SyntaxNode } | undefined;
  for (const member of members) {
    if (member.type === 'spread_element') {
      const inner = namedChildren(member)[0];
      const spread = inner ? a.resolve.object(inner) : undefined;
      const entry = spread ? spreadProperty(a, spread, key, depth + 1) : undefined;
      if (entry) found = entry;
    } else if (own && member.startIndex <= own.key.startIndex && own.key.endIndex <= member.endIndex) {
      found = own;
    }
  }
  return found;
}

/** fastmcp tool objects: `{ name, execute }`, also `{ ...toolConstant, _meta }`. */
function addFastmcpTool(a: Analysis, call: SyntaxNode, receiver: SyntaxNode, toolExpr: SyntaxNode): void {
  const object = a.resolve.object(toolExpr);
  const name = object ? spreadProperty(a, object, 'name') : undefined;
  const execute = object ? spreadProperty(a, object, 'execute') : undefined;
  if (!object || !name || !execute) return;
  addNamed(a, { kind: 'fastmcp-add-tool', nameNode: name.value, registrationNode: call, handlerNode: execute.value, receiver: receiver.text }, name.value);
}

/**
 * `wrapper(handler)`, `requireScopes([...], async () => ...)`, `scoped('x')(handler)`,
 * `this.handle.bind(this)`: a call with a function, a name or another such call among its
 * arguments (the tool's callback passed through a wrapper). Schema builders such as
 * `z.object({...})` take none of those.
 */
function wrapsHandler(a: Analysis, node: SyntaxNode, depth: number): boolean {
  const call = unwrap(node);
  if (call.type !== 'call_expression' || depth > 3) return false;
  // `this.handleDelete.bind(this)`: the bound method is the handler.
  const fn = field(call, 'function');
  if (fn?.type === 'member_expression' && field(fn, 'property')?.text === 'bind') return true;
  return argumentsOf(call).some((arg) => {
    const t = unwrap(arg).type;
    return t === 'identifier' || t === 'member_expression' || !!a.resolve.func(arg) || wrapsHandler(a, arg, depth + 1);
  });
}

/** Member-call shapes, keyed by method name. */
const CALL_SHAPES: Readonly<Record<string, CallHandler>> = {
  // v1 `tool(name, [description], [paramsSchema|annotations], [annotations], cb)`: name first, callback last.
  tool(a, call, receiver, args) {
    const first = args[0];
    const last = args[args.length - 1];
    if (args.length < 2 || !first || !last) return;
    if (!a.resolve.func(last) && last.type !== 'identifier' && last.type !== 'member_expression' && !wrapsHandler(a, last, 0)) return;
    addNamed(a, { kind: 'sdk-tool', nameNode: first, registrationNode: call, handlerNode: last, receiver: receiver.text }, first);
  },
  registerTool(a, call, receiver, args) {
    const [first, , cb] = args;
    if (args.length < 2 || !first) return;
    addNamed(a, { kind: 'register-tool', nameNode: first, registrationNode: call, handlerNode: cb, receiver: receiver.text }, first);
  },
  // v1 tasks API `server.experimental.tasks.registerToolTask(name, config, { createTask, getTask, getTaskResult })`:
  // `createTask(args, extra)` receives the call and starts the tool's work (the other two poll the
  // task store), so it is the handler an authorization check belongs in.
  registerToolTask(a, call, receiver, args) {
    const [first, , handlers] = args;
    if (args.length < 3 || !first || !handlers) return;
    const object = a.resolve.object(handlers);
    const createTask = object ? property(object, 'createTask') : undefined;
    addNamed(a, { kind: 'register-tool', nameNode: first, registrationNode: call, handlerNode: createTask?.value, receiver: receiver.text }, first);
  },
  addTool(a, call, receiver, args) {
    if (args[0]) addFastmcpTool(a, call, receiver, args[0]);
  },
  addTools(a, call, receiver, args) {
    const list = args[0] ? a.resolve.array(args[0]) : undefined;
    for (const element of list ? namedChildren(list) : []) addFastmcpTool(a, call, receiver, element);
  },
  setRequestHandler(a, _call, receiver, args) {
    const [schema, handler] = args;
    if (!schema || !handler) return;
    const schemaName = stringValue(schema) ?? lastName(schema);
    const fn = a.resolve.func(handler) ?? wrappedFunc(a, handler, 0);
    if (!fn) return;
    if (LIST_SCHEMAS.has(schemaName)) listedTools(a, receiver, fn);
    else if (CALL_SCHEMAS.has(schemaName)) dispatchArms(a, receiver, fn);
  },
};

/** The function a wrapper call passes through: `withTelemetry(async (request) => ...)`. */
function wrappedFunc(a: Analysis, node: SyntaxNode, depth: number): SyntaxNode | undefined {
  const call = unwrap(node);
  if (call.type !== 'call_expression' || depth > 2) return undefined;
  for (const arg of argumentsOf(call)) {
    const fn = a.resolve.func(arg) ?? wrappedFunc(a, arg, depth + 1);
    if (fn) return fn;
  }
  return undefined;
}

/** Entries of `tools: [...]` in a tools/list handler (arrays may be same-file constants, with spreads). */
function listedTools(a: Analysis, receiver: SyntaxNode, fn: SyntaxNode): void {
  const seen = new Set<number>();
  const visit = (expr: SyntaxNode, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const array = a.resolve.array(expr);
    for (const element of array ? namedChildren(array) : []) {
      if (element.type === 'spread_element') {
        const inner = namedChildren(element)[0];
        if (inner) visit(inner, depth + 1);
        continue;
      }
      const object = a.resolve.object(element);
      const name = object ? property(object, 'name') : undefined;
      if (!object || !name || seen.has(object.id)) continue;
      seen.add(object.id);
      addNamed(a, { kind: 'low-level-list', nameNode: name.value, registrationNode: object, receiver: receiver.text }, name.value);
    }
  };
  for (const node of descendants(fn, ['pair', 'shorthand_property_identifier'])) {
    if (node.type === 'pair') {
      const key = field(node, 'key');
      const value = field(node, 'value');
      if (key?.text === 'tools' && value) visit(value, 0);
    } else if (node.text === 'tools') {
      visit(node, 0);
    }
  }
}

/** `switch (name) { case 'x': ... }` and `if (name === 'x') ...` arms of a tools/call handler. */
function dispatchArms(a: Analysis, receiver: SyntaxNode, fn: SyntaxNode): void {
  for (const sw of descendants(fn, 'switch_statement')) {
    const value = field(sw, 'value');
    const body = field(sw, 'body');
    if (!value || !body || !isNameLike(unwrap(value))) continue;
    for (const arm of namedChildren(body)) {
      const test = arm.type === 'switch_case' ? field(arm, 'value') : undefined;
      if (test) addNamed(a, { kind: 'low-level-case', nameNode: test, registrationNode: arm, handlerNode: arm, receiver: receiver.text }, test);
    }
  }
  for (const cond of descendants(fn, 'binary_expression')) {
    const op = cond.child(1)?.type;
    const statement = cond.parent?.type === 'parenthesized_expression' ? cond.parent.parent : undefined;
    if ((op !== '===' && op !== '==') || statement?.type !== 'if_statement') continue;
    const left = field(cond, 'left');
    const right = field(cond, 'right');
    if (!left || !right) continue;
    const literal = isNameLike(left) ? right : isNameLike(right) ? left : undefined;
    const consequence = field(statement, 'consequence');
    if (literal) addNamed(a, { kind: 'low-level-case', nameNode: literal, registrationNode: statement, handlerNode: consequence, receiver: receiver.text }, literal);
  }
}

/** `name`, `toolName`, `request.params.name`. */
function isNameLike(node: SyntaxNode): boolean {
  const n = node.type === 'member_expression' ? field(node, 'property') : node;
  return !!n && (n.type === 'identifier' || n.type === 'property_identifier') && n.text.toLowerCase().endsWith('name');
}

/** mcp-framework: `class X extends MCPTool { name = 'x'; async execute() {} }`. */
function frameworkClasses(a: Analysis): void {
  if (!a.index.importsPackage('mcp-framework') && a.context.framework !== 'mcp-framework') return;
  for (const cls of a.index.nodes.within(a.index.root, ['class_declaration', 'class'])) {
    const heritage = namedChildren(cls).find((c) => c.type === 'class_heritage');
    const base = heritage ? extendsExpression(heritage) : undefined;
    if (!base || lastName(base) !== 'MCPTool') continue;
    const body = field(cls, 'body');
    let nameValue: SyntaxNode | undefined;
    let execute: SyntaxNode | undefined;
    for (const member of body ? namedChildren(body) : []) {
      const key = field(member, 'name') ?? field(member, 'property');
      if (!key) continue;
      if ((member.type === 'public_field_definition' || member.type === 'field_definition') && key.text === 'name') nameValue = field(member, 'value');
      if (member.type === 'method_definition' && key.text === 'execute') execute = member;
    }
    if (nameValue) addNamed(a, { kind: 'mcp-framework-class', nameNode: nameValue, registrationNode: cls, handlerNode: execute }, nameValue);
  }
}

function extendsExpression(heritage: SyntaxNode): SyntaxNode | undefined {
  const clause = namedChildren(heritage).find((c) => c.type === 'extends_clause');
  const expr = clause ? field(clause, 'value') : namedChildren(heritage)[0];
  return expr ? unwrap(expr) : undefined;
}

/** xmcp: each file under a `tools` folder is a tool; `export const metadata = { name }` or the file name. */
function xmcpTool(a: Analysis): void {
  if (a.context.framework !== 'xmcp') return;
  if (!path.dirname(path.normalize(a.context.file)).split(path.sep).includes('tools')) return;
  let metadata: SyntaxNode | undefined;
  let handler: SyntaxNode | undefined;
  for (const exp of namedChildren(a.index.root)) {
    if (exp.type !== 'export_statement') continue;
    const isDefault = exp.children.some((c) => c?.type === 'default');
    const decl = field(exp, 'declaration') ?? field(exp, 'value');
    if (isDefault) handler = decl;
    for (const d of decl ? a.index.nodes.within(decl, ['variable_declarator']) : []) {
      if (field(d, 'name')?.text === 'metadata') metadata = d;
    }
  }
  if (!handler) return;
  const object = metadata ? a.resolve.object(field(metadata, 'value') ?? metadata) : undefined;
  const name = object ? property(object, 'name') : undefined;
  if (name) {
    addNamed(a, { kind: 'xmcp-metadata', nameNode: name.value, registrationNode: metadata ?? handler, handlerNode: handler }, name.value);
  } else {
    const base = path.basename(a.context.file, path.extname(a.context.file));
    const nameNode = (metadata ? field(metadata, 'name') : undefined) ?? field(handler, 'name') ?? handler;
    a.registrations.push({ name: base, kind: 'xmcp-metadata', nameNode, registrationNode: metadata ?? handler, handlerNode: handler });
  }
}

/** Transport evidence from constructor/call names and framework-specific options. */
function transportsOf(a: Analysis): void {
  const add = (t: Transport | undefined): void => { if (t) a.transports.add(t); };
  const literalsIn = (node: SyntaxNode, table: Readonly<Record<string, Transport>>): Transport[] =>
    descendants(node, ['string', 'template_string']).map((s) => table[stringValue(s) ?? '']).filter((t): t is Transport => !!t);

  // Every transport shape below needs an MCP import: other files are not walked at all.
  for (const { node, kind, callee, name } of a.index.importsMcp ? namedCalls(a.index.nodes, TRANSPORT_NAME_RE) : []) {
    const args = argumentsOf(node);
    add(TRANSPORT_CALLEES[name]);
    if (name === 'start' && callee.type === 'member_expression' && a.index.importsPackage('fastmcp')) {
      const options = args[0] ? a.resolve.object(args[0]) : undefined;
      const type = options ? property(options, 'transportType') : undefined;
      const found = type ? literalsIn(type.value, FASTMCP_TRANSPORTS) : [];
      if (type && found.length === 0) continue; // a value we cannot read: say nothing
      for (const t of found.length ? found : ['stdio' as const]) add(t);
    }
    if (kind === 'new_expression' && name === 'MCPServer' && a.index.importsPackage('mcp-framework')) {
      const options = args[0] ? a.resolve.object(args[0]) : undefined;
      const transport = options ? property(options, 'transport') : undefined;
      const found = transport ? literalsIn(transport.value, MCP_FRAMEWORK_TRANSPORTS) : [];
      for (const t of found.length ? found : transport ? [] : ['stdio' as const]) add(t);
    }
    if (ROUTE_METHODS.has(name) && callee.type === 'member_expression') {
      const route = args[0] ? stringValue(args[0]) : undefined;
      if (route !== undefined && (route === '/mcp' || route.endsWith('/mcp'))) add('http');
    }
  }
  if (a.context.framework === 'xmcp' && path.basename(a.context.file).startsWith('xmcp.config.')) {
    for (const pair of a.index.nodes.of('pair')) {
      const key = field(pair, 'key')?.text;
      const value = field(pair, 'value');
      if (value?.type === 'false') continue;
      if (key === 'http') add('http');
      if (key === 'stdio') add('stdio');
    }
  }
}

interface NamedCall { node: SyntaxNode; kind: 'call_expression' | 'new_expression'; callee: SyntaxNode; name: string }

/**
 * Calls and `new` expressions whose callee's last name (`x` of `a.b.x` / `x`) is one of the
 * names `pattern` matches, in document order. Candidates are found in the text and each is
 * confirmed on the tree, so files without those names cost no walk at all.
 */
function namedCalls(nodes: NodeIndex, pattern: RegExp): NamedCall[] {
  const out: NamedCall[] = [];
  const seen = new Set<number>();
  pattern.lastIndex = 0;
  for (let m = pattern.exec(nodes.text); m; m = pattern.exec(nodes.text)) {
    const name = m[1]!;
    const at = m.index + m[0].length - name.length;
    const id = nodes.root.descendantForIndex(at, at + name.length);
    if (!id || id.startIndex !== at || id.endIndex !== at + name.length) continue;
    const idType = id.type;
    if (idType !== 'identifier' && idType !== 'property_identifier') continue;
    let callee: SyntaxNode | null = id;
    if (idType === 'property_identifier') {
      callee = id.parent;
      if (callee?.type !== 'member_expression' || field(callee, 'property')?.id !== id.id) continue;
    }
    const node = callee?.parent;
    if (!callee || !node) continue;
    const nodeType = node.type;
    if (nodeType !== 'call_expression' && nodeType !== 'new_expression') continue;
    if (field(node, nodeType === 'new_expression' ? 'constructor' : 'function')?.id !== callee.id || seen.has(node.id)) continue;
    seen.add(node.id);
    out.push({ node, kind: nodeType, callee, name });
  }
  return out.sort((x, y) => x.node.startIndex - y.node.startIndex || y.node.endIndex - x.node.endIndex);
}

const namePattern = (names: Iterable<string>): RegExp => new RegExp(`\\b(${[...new Set(names)].join('|')})\\b`, 'g');
/** Member calls that register tools: `x.tool(`, `x.registerTool(`... */
const SHAPE_RE = new RegExp(`\\.\\s*(${Object.keys(CALL_SHAPES).join('|')})\\b`, 'g');
const TRANSPORT_NAME_RE = namePattern([...Object.keys(TRANSPORT_CALLEES), 'start', 'MCPServer', ...ROUTE_METHODS]);
const SERVER_CONSTRUCTOR_RE = namePattern(SERVER_CONSTRUCTORS);

/** `server` of `server.experimental.tasks` for `registerToolTask` (the receiver decisions are about the server). */
function tasksOwner(method: string, receiver: SyntaxNode): SyntaxNode {
  if (method !== 'registerToolTask' || receiver.type !== 'member_expression' || field(receiver, 'property')?.text !== 'tasks') return receiver;
  const experimental = field(receiver, 'object');
  if (experimental?.type !== 'member_expression' || field(experimental, 'property')?.text !== 'experimental') return receiver;
  return field(experimental, 'object') ?? receiver;
}

export const analyzeTypeScript: SourceAnalyzer = (_root, context, nodes): SourceFactsNodes => {
  const index = new FileIndex(nodes);
  const a: Analysis = { index, resolve: new Resolver(index, context), context, registrations: [], transports: new Set() };

  for (const { node: call, kind, callee: fn, name: method } of namedCalls(nodes, SHAPE_RE)) {
    if (kind !== 'call_expression' || fn.type !== 'member_expression') continue;
    const shape = Object.prototype.hasOwnProperty.call(CALL_SHAPES, method) ? CALL_SHAPES[method] : undefined;
    const receiver = field(fn, 'object');
    if (!shape || !receiver || !receiverAccepted(a, tasksOwner(method, receiver))) continue;
    shape(a, call, receiver, argumentsOf(call));
  }
  frameworkClasses(a);
  xmcpTool(a);
  transportsOf(a);

  const constructsServer = index.importsMcp && namedCalls(nodes, SERVER_CONSTRUCTOR_RE).some((c) => c.kind === 'new_expression');
  return {
    registrations: a.registrations,
    transports: [...a.transports],
    serverEvidence: index.importsServerModule || constructsServer || a.registrations.length > 0 || a.transports.size > 0,
  };
};
