/**
 * Per-file facts for the authorization linter, read from the live tree that
 * `withSourceFacts` hands over (one parse per file, shared with tool discovery):
 * function summaries (does it check the caller and deny? does it do sensitive work?),
 * per-tool handler facts, and file-level sites for MCPS205-208.
 * Everything kept here is plain data, so a project's other files can be cached between
 * keystrokes.
 */
import type { SourceRange } from '../model';
import type { SourceLanguage, SyntaxNode } from '../parse/treeSitter';
import { NodeIndex } from '../projects/nodeIndex';
import { rangeOf } from '../projects/syntax';
import type { RegistrationKind, SourceFactsNodes, ToolRegistrationNodes } from '../projects/types';
import {
  AUTH_HELPER_NAMES, AUTH_SOURCES, AUTHN_EVIDENCE, CLIENT_CONTROLLED, DENY_WORDS, HTTP_TRANSPORT_CALLS, type Lang, langOf,
  isUnambiguousAuthPredicate, looksLikeAuthPredicate, NODE, normalizeName, REQUEST_CONTEXT_NAMES, SENSITIVE_CALLS, type SensitiveKind, SQL_WRITE, WRITE_METHODS,
} from './tables';

export interface Op { kind: SensitiveKind; label: string; range: SourceRange }

/** What a check looks like, as found in a body. */
export interface CheckSite { kind: 'check' | 'fail-open' | 'client-identity'; range: SourceRange; text: string }

export interface BodyFacts {
  /** Checks found among the statements that run before the tool's work (dominating). */
  checks: CheckSite[];
  /** Calls (callee names) in statement position before the first sensitive op: helper candidates. */
  guardCalls: Array<{ name: string; range: SourceRange }>;
  /** Every callee name in the body (for transitive sensitive work). */
  calls: string[];
  ops: Op[];
}

export interface FnSummary {
  name: string;
  file: string;
  range: SourceRange;
  /** Checks anywhere in the body (a helper/decorator/wrapper counts when it has one). */
  body: BodyFacts;
  anyCheck: boolean;
  anyFailOpen: boolean;
  anyClientIdentity: boolean;
  /** Reads the tool name of a tools/call request and checks scopes (HTTP middleware, idiom G). */
  toolScopeMiddleware: boolean;
  /** First parameter name (for fix suggestions: `requireScope(extra, ...)`). */
  params: string[];
  cacheKey?: string;
}

export interface ToolFacts {
  name: string;
  kind: RegistrationKind;
  nameRange: SourceRange;
  registrationRange: SourceRange;
  /** Facts of the handler body when it is in this file. */
  body?: BodyFacts;
  /** Handler given by name (identifier / member), resolved later across the project. */
  handlerRef?: string;
  /** Wrappers around the handler: `requireScopes([...], handler)`, `withAuth(h)`. */
  wrappers: Array<{ name: string; range: SourceRange }>;
  /** Python decorators below the tool decorator (effective) and above it (never run on calls). */
  decoratorsBelow: Array<{ name: string; range: SourceRange }>;
  decoratorsAbove: Array<{ name: string; range: SourceRange }>;
  /** Framework option that authorizes: `auth=` on @mcp.tool, `canAccess` on fastmcp. */
  frameworkAuth?: { option: 'auth' | 'canAccess' | 'tags'; range: SourceRange; text: string };
  /** Registered only inside `if (<principal check>)`. */
  conditionalOnPrincipal: boolean;
  annotations: { destructive?: boolean; readOnly?: boolean };
  /** The handler's start (for fixes): offset of the first statement position and indentation. */
  fix?: FixAnchor;
  handlerUnresolved: boolean;
  /** The handler's first statement: where a check is expected. */
  expectedAt?: SourceRange;
  /** Identity of the source this was computed from, when it depends on nothing else. */
  cacheKey?: string;
}

export interface FixAnchor {
  /** Offset where a new first statement goes (after `{` / `:` newline, after a docstring). */
  insertOffset: number;
  indent: string;
  /** Name of the parameter holding the SDK's request context (`extra`, `ctx`, `req`), if present. */
  contextParam?: string;
  /** Where to add a context parameter when there is none. */
  addParam?: { offset: number; text: string };
  lang: Lang;
  framework: 'v1' | 'v2' | 'fastmcp' | 'py' | 'go-sdk' | 'mcp-go';
  /** Start of the registration's line, its indentation (for suppression comments). */
  lineStart: number;
  lineIndent: string;
}

export interface FileSite {
  rule: string;
  range: SourceRange;
  message: string;
  /** Content identity for the fingerprint (the construct's text, whitespace-normalised). */
  key: string;
}

export interface FileFacts {
  file: string;
  lang: Lang;
  functions: FnSummary[];
  tools: ToolFacts[];
  /** MCPS205 / MCPS206 sites. */
  sites: FileSite[];
  /** Serves an HTTP transport here (first site). */
  httpTransport?: SourceRange;
  /** Something in this file authenticates HTTP callers. */
  authnEvidence: boolean;
  /** fastmcp TS: `new FastMCP({ authenticate | auth })`. */
  fastmcpAuthenticate: boolean;
  /** Global tool middleware registrations: names of the middleware functions / classes. */
  toolMiddleware: string[];
  /** FastMCP `AuthMiddleware(auth=restrict_tag('x', ...))` tags (`*` = every tool). */
  restrictedTags: string[];
  /** Names visible in the file (imports and definitions), for fix suggestions. */
  visibleNames: string[];
}

// ---------------------------------------------------------------------------------------
// Whole-file and per-handler queries are range lookups in the node index of the tree (one
// walk, shared with tool discovery), and per-call facts are computed once per file.

/** The index of the tree being read (set for the duration of `extractFileFacts`). */
let INDEX: NodeIndex | undefined;
/** Callee of each call node (by node id) in the tree being read; null = none. */
let CALLEES = new Map<number, { name: string; full: string } | null>();
/** Sensitive operation of each call node (by node id); null = none. */
let CALL_OPS = new Map<number, Op | null>();
let CALL_RANGES = new Map<number, SourceRange>();

// ---------------------------------------------------------------------------------------
// Small node helpers

function f(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.childForFieldName(name) ?? undefined;
}

function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
}

function desc(node: SyntaxNode, types: string | string[]): SyntaxNode[] {
  const list = typeof types === 'string' ? [types] : types;
  const index = INDEX;
  if (index && node.tree === index.root.tree && list.every((t) => index.indexes(t))) return index.within(node, list);
  return node.descendantsOfType(types).filter((n): n is SyntaxNode => n !== null && n.id !== node.id);
}

/** Range of a call, computed once per file (every enclosing function lists it). Shared: never mutate. */
function callRange(call: SyntaxNode): SourceRange {
  let range = CALL_RANGES.get(call.id);
  if (!range) CALL_RANGES.set(call.id, (range = rangeOf(call)));
  return range;
}

/** `desc` with each node's type (from the index buckets when possible). */
function descTyped(node: SyntaxNode, types: string[]): Array<{ type: string; node: SyntaxNode }> {
  const index = INDEX;
  if (index && node.tree === index.root.tree && types.every((t) => index.indexes(t))) return index.withinTyped(node, types);
  return desc(node, types).map((n) => ({ type: n.type, node: n }));
}

/** The first of `desc(node, types)`, without collecting the others. */
function firstDesc(node: SyntaxNode, types: string[]): SyntaxNode | undefined {
  const index = INDEX;
  if (index && node.tree === index.root.tree && types.every((t) => index.indexes(t))) return index.first(node, types);
  return desc(node, types)[0];
}

/** Source text of a node (sliced from the file's text while its index is set). */
function textOf(node: SyntaxNode): string {
  const index = INDEX;
  return index && node.tree === index.root.tree ? index.textOf(node) : node.text;
}

const NAME_TYPES = ['identifier', 'property_identifier', 'field_identifier', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern', 'type_identifier'];

function namesIn(node: SyntaxNode): string[] {
  const out = desc(node, NAME_TYPES).map((n) => n.text);
  if (NAME_TYPES.includes(node.type)) out.push(node.text);
  return out;
}

const CALL_TYPES: Record<Lang, string[]> = { ts: ['call_expression', 'new_expression'], py: ['call'], go: ['call_expression'] };

/** Last name of a callee: `fs.promises.unlink` → `unlink`, `requireScopes` → itself. */
function calleeOf(call: SyntaxNode): { name: string; full: string } | undefined {
  const known = CALLEES.get(call.id);
  if (known !== undefined) return known ?? undefined;
  const found = computeCallee(call);
  CALLEES.set(call.id, found ?? null);
  return found;
}

function computeCallee(call: SyntaxNode): { name: string; full: string } | undefined {
  const fn = f(call, 'function') ?? f(call, 'constructor');
  if (!fn) return undefined;
  let target = fn;
  let type = target.type;
  if (type === 'generic_type' || type === 'instantiation_expression') { target = named(target)[0] ?? target; type = target.type; }
  if (type === 'await_expression') { target = named(target)[0] ?? target; type = target.type; }
  const last = f(target, 'property') ?? f(target, 'attribute') ?? f(target, 'field');
  if (last) return { name: textOf(last), full: textOf(target) };
  if (type === 'identifier' || type === 'type_identifier') { const t = textOf(target); return { name: t, full: t }; }
  if (type === 'call_expression' || type === 'call') {
    // `require_scope("x")(fn)` / `requireScopes(s)(handler)`
    return calleeOf(target);
  }
  return undefined;
}

function argsOf(call: SyntaxNode): SyntaxNode[] {
  const a = f(call, 'arguments');
  return a ? named(a) : [];
}

function isFunction(lang: Lang, node: SyntaxNode): boolean {
  return (NODE[lang].functions as ReadonlySet<string>).has(node.type);
}

function bodyOf(fn: SyntaxNode): SyntaxNode | undefined {
  return f(fn, 'body');
}

function stringValue(node: SyntaxNode): string | undefined {
  if (node.type === 'string' || node.type === 'interpreted_string_literal' || node.type === 'raw_string_literal') {
    const t = node.text;
    const m = /^[a-zA-Z]*("""|'''|"|'|`)([\s\S]*)\1$/.exec(t);
    return m ? m[2] : undefined;
  }
  if (node.type === 'template_string' && !desc(node, 'template_substitution').length) return node.text.slice(1, -1);
  return undefined;
}

function unparen(node: SyntaxNode): SyntaxNode {
  let n = node;
  while ((n.type === 'parenthesized_expression' || n.type === 'parenthesized_list') && named(n).length === 1) n = named(n)[0]!;
  return n;
}

// ---------------------------------------------------------------------------------------
// Conditions and denials

interface CondContext {
  lang: Lang;
  /** Names bound to tool arguments (client-controlled). */
  argNames: ReadonlySet<string>;
  /** Locals assigned from an auth source. */
  authLocals: Set<string>;
  /** Known authorization helper/predicate names (project + settings). */
  helpers: ReadonlySet<string>;
}

/** Getters of the verified principal by name: `principal(ctx)`, `currentUser()`, `claimsFrom(ctx)`. */
const PRINCIPAL_GETTER = /^(get_?)?(principal|claims|access_?token|current_?user|identity|auth_?info|token_?info)(_?from(_?context)?)?$/i;

const STRONG_SOURCES = new Set(['authInfo', 'get_access_token', 'CurrentAccessToken', 'TokenInfo', 'TokenInfoFromContext', 'session', 'props', 'access_token', 'auth']);

function isHelperName(name: string, helpers: ReadonlySet<string>): boolean {
  return helpers.has(name) || AUTH_HELPER_NAMES.has(normalizeName(name));
}

const WORD = /[\p{L}_$][\p{L}\p{N}_$]*/gu;
const GO_ARG_READERS: ReadonlySet<string> = new Set(['GetString', 'GetArguments', 'GetBool', 'RequireString']);

// Word prefilters. Every name the tree can show in a node is a word of its text, so a node
// whose text has none of the words a decision needs is skipped without walking it. What a
// word can mean does not depend on where it is, so each word is classified once per file and
// each node's text scanned once (a statement is reached from every function around it).

/** A principal source (`authInfo`...): counts for every test below. */
const STRONG_WORD = 1;
/** A word `classifyCondition` reacts to: sources, `_meta`, Go argument readers, helper or predicate names. */
const CLASSIFY_WORD = 2;
/** A word that makes an assignment bind an auth local: helper and principal-getter names. */
const BIND_WORD = 4;

let WORD_KINDS = new Map<string, number>();
let NODE_WORDS = new Map<number, number>();

function wordKind(w: string, lang: Lang, helpers: ReadonlySet<string>): number {
  let kind = WORD_KINDS.get(w);
  if (kind !== undefined) return kind;
  kind = 0;
  if (STRONG_SOURCES.has(w)) kind |= STRONG_WORD | CLASSIFY_WORD | BIND_WORD;
  const helper = isHelperName(w, helpers);
  if (AUTH_SOURCES[lang].has(w) || w === '_meta' || w === 'meta' || (lang === 'go' && GO_ARG_READERS.has(w))
    || (lang === 'py' && w.includes('client_id')) || helper || looksLikeAuthPredicate(w)) kind |= CLASSIFY_WORD;
  if (helper || PRINCIPAL_GETTER.test(w)) kind |= BIND_WORD;
  WORD_KINDS.set(w, kind);
  return kind;
}

/** The kinds of words in a node's text (union), scanned once per node. */
function nodeWords(node: SyntaxNode, lang: Lang, helpers: ReadonlySet<string>): number {
  let bits = NODE_WORDS.get(node.id);
  if (bits !== undefined) return bits;
  bits = 0;
  const text = textOf(node);
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m && bits !== 7; m = WORD.exec(text)) bits |= wordKind(m[0], lang, helpers);
  NODE_WORDS.set(node.id, bits);
  return bits;
}

/** Whether a node's text has a word in one of the (per-body) name sets. */
function mentionsAny(node: SyntaxNode, sets: ReadonlyArray<ReadonlySet<string>>): boolean {
  if (sets.every((set) => set.size === 0)) return false;
  const text = textOf(node);
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) if (sets.some((set) => set.has(m![0]))) return true;
  return false;
}

/** Whether `classifyCondition` can say anything about this condition (see above). */
function mayClassify(node: SyntaxNode, cx: CondContext): boolean {
  return (nodeWords(node, cx.lang, cx.helpers) & CLASSIFY_WORD) !== 0 || mentionsAny(node, [cx.authLocals, cx.argNames]);
}

/** Whether a node mentions a principal source or an auth local. */
function mentionsAuth(node: SyntaxNode, cx: CondContext): boolean {
  return (nodeWords(node, cx.lang, cx.helpers) & STRONG_WORD) !== 0 || mentionsAny(node, [cx.authLocals]);
}

/** Whether an assignment can bind an auth local or an argument alias (see `scanStatement`). */
function mayBindAssignment(node: SyntaxNode, cx: CondContext, env: BodyEnv): boolean {
  return (nodeWords(node, cx.lang, cx.helpers) & BIND_WORD) !== 0 || mentionsAny(node, [cx.authLocals, env.argNames]);
}

/** Classifies what a condition reads: the principal, client-controlled data, or neither. */
function classifyCondition(cond: SyntaxNode, cx: CondContext): 'auth' | 'client' | undefined {
  if (!mayClassify(cond, cx)) return undefined;
  const text = textOf(cond);
  const names = namesIn(cond);
  const metaRef = names.some((n) => n === '_meta' || n === 'meta') || (cx.lang === 'py' && /\b(ctx|context)\.client_id\b/.test(text));
  const argRef = names.some((n) => cx.argNames.has(n))
    || (cx.lang === 'go' && names.some((n) => n === 'GetString' || n === 'GetArguments' || n === 'GetBool' || n === 'RequireString'));
  const identityWord = names.some((n) => !STRONG_SOURCES.has(n) && (CLIENT_CONTROLLED[cx.lang].has(n) || AUTH_SOURCES[cx.lang].has(n) || /admin|role|user|owner|tenant/i.test(n)))
    || /["'](admin|root|owner|role|user_?id)["']/i.test(text);
  const strongNames = names.filter((n) => (STRONG_SOURCES.has(n) && !cx.argNames.has(n)) || cx.authLocals.has(n));
  const trulyStrong = strongNames.some((n) => n !== 'auth' && n !== 'access_token' || cx.authLocals.has(n));
  const calls = desc(cond, CALL_TYPES[cx.lang]);
  const predicate = calls.some((c) => {
    const callee = calleeOf(c);
    if (!callee || !(isHelperName(callee.name, cx.helpers) || looksLikeAuthPredicate(callee.name))) return false;
    const argNames = argsOf(c).flatMap((a) => namesIn(a));
    const principalArg = argNames.some((n) => (STRONG_SOURCES.has(n) || cx.authLocals.has(n)
      || ((AUTH_SOURCES[cx.lang].has(n) || REQUEST_CONTEXT_NAMES.has(n)) && !cx.argNames.has(n))));
    // A path allow-list or an origin check (`isPathWithinAllowedDirectories(p, dirs)`) is not
    // about the caller: a predicate named only by `allowed` / `access` needs the principal as input.
    if (!principalArg && !isHelperName(callee.name, cx.helpers) && !isUnambiguousAuthPredicate(callee.name)) return false;
    return !(argNames.some((n) => cx.argNames.has(n)) && !principalArg);
  });
  if (metaRef && !trulyStrong) return 'client';
  if (strongNames.length > 0 || predicate) return 'auth';
  if (argRef && identityWord) return 'client';
  const weak = names.some((n) => AUTH_SOURCES[cx.lang].has(n) && !cx.argNames.has(n));
  return weak ? 'auth' : undefined;
}

/** The consequence refuses the call: throw/raise, or returns an error / isError / 403. */
function denies(lang: Lang, consequence: SyntaxNode): boolean {
  if (lang === 'ts' && desc(consequence, 'throw_statement').length) return true;
  if (consequence.type === 'throw_statement') return true;
  if (lang === 'py' && (consequence.type === 'raise_statement' || desc(consequence, 'raise_statement').length)) return true;
  const returns = consequence.type === 'return_statement' ? [consequence] : desc(consequence, 'return_statement');
  if (returns.some((r) => DENY_WORDS.test(r.text))) return true;
  // `res.status(403)...; return` / `abort(403)` / `http.Error(w, ..., 403)`
  return /\b(40[13])\b|StatusForbidden|StatusUnauthorized|abort\(|http\.Error\(/.test(consequence.text) && returns.length > 0;
}

/** `authInfo && !…` / `token and …` / `token is not None and …`: the check passes when the token is missing. */
function failOpenShape(lang: Lang, cond: SyntaxNode, cx: CondContext): boolean {
  const c = unparen(cond);
  const isAnd = lang === 'py' ? c.type === 'boolean_operator' && c.child(1)?.type === 'and'
    : c.type === 'binary_expression' && c.child(1)?.type === '&&';
  if (!isAnd) return false;
  const left = unparen(f(c, 'left') ?? c.child(0)!);
  const presence = ['identifier', 'member_expression', 'attribute', 'selector_expression', 'call', 'call_expression'].includes(left.type)
    || (left.type === 'comparison_operator' && /is\s+not\s+None|!=\s*None/.test(left.text))
    || (left.type === 'binary_expression' && /!==?\s*(null|undefined|nil)/.test(left.text));
  if (!presence) return false;
  const names = namesIn(left);
  if (names.some((n) => STRONG_SOURCES.has(n) || cx.authLocals.has(n) || (AUTH_SOURCES[lang].has(n) && !cx.argNames.has(n)))) return true;
  // `p != nil && !slices.Contains(p.Scopes, ...)`: presence of a local the right side reads as the principal.
  const right = f(c, 'right') ?? c.child(2);
  return names.length === 1 && !cx.argNames.has(names[0]!) && right !== null && right !== undefined && namesIn(right).includes(names[0]!);
}

/** `if token is None: return await fn(...)` — a wrapper that calls through without a token. */
function passThroughShape(lang: Lang, cond: SyntaxNode, consequence: SyntaxNode, cx: CondContext, kind?: 'auth' | 'client'): boolean {
  const text = unparen(cond).text;
  const absent = lang === 'py' ? /^(not\s+\w+|\w+(\.\w+)*\s+is\s+None)$/.test(text)
    : lang === 'go' ? /==\s*nil$/.test(text) : /^!\s*[\w.?]+$|===?\s*(null|undefined)$/.test(text);
  if (!absent || (kind ?? classifyCondition(cond, cx)) !== 'auth') return false;
  const returns = consequence.type === 'return_statement' ? [consequence] : desc(consequence, 'return_statement');
  return returns.some((r) => desc(r, CALL_TYPES[lang]).length > 0 && !DENY_WORDS.test(r.text));
}

// ---------------------------------------------------------------------------------------
// Sensitive operations

function sensitiveOps(lang: Lang, root: SyntaxNode, aliases: ReadonlyMap<string, { kind: SensitiveKind; label: string }>, calls = desc(root, CALL_TYPES[lang])): Op[] {
  const ops: Op[] = [];
  for (const call of calls) {
    // The same call is asked about for every function and handler around it: classify it once.
    let op = CALL_OPS.get(call.id);
    if (op === undefined) {
      op = callOp(lang, call, aliases) ?? null;
      CALL_OPS.set(call.id, op);
    }
    if (op) ops.push(op);
  }
  // A string can only start with a SQL verb when the text around it contains one.
  if (mentionsSql(root)) {
    for (const s of desc(root, [...(NODE[lang].string as ReadonlySet<string>)])) {
      const m = SQL_WRITE.exec(stringValue(s) ?? s.text.replace(/^[a-z]*["'`]+/i, ''));
      if (m) ops.push({ kind: /^(insert|update|alter)/i.test(m[1]!) ? 'write' : 'delete', label: m[1]!.toUpperCase().replace(/\s+/g, ' '), range: rangeOf(s) });
    }
  }
  ops.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return ops;
}

/** The verbs of {@link SQL_WRITE} anywhere in a text (a superset of where it can match). */
const SQL_ANYWHERE = new RegExp(SQL_WRITE.source.replace(/^\^\\s\*/, ''), 'gi');

/** Offsets of SQL verbs in the file being read (found once per file). */
let SQL_OFFSETS: number[] | undefined;

/** Whether a node's text contains a SQL verb (binary search over the file's occurrences). */
function mentionsSql(node: SyntaxNode): boolean {
  const index = INDEX;
  if (!index || node.tree !== index.root.tree) { SQL_ANYWHERE.lastIndex = 0; return SQL_ANYWHERE.test(node.text); }
  if (!SQL_OFFSETS) {
    SQL_OFFSETS = [];
    SQL_ANYWHERE.lastIndex = 0;
    for (let m = SQL_ANYWHERE.exec(index.text); m; m = SQL_ANYWHERE.exec(index.text)) SQL_OFFSETS.push(m.index);
  }
  if (SQL_OFFSETS.length === 0) return false;
  const start = node.startIndex;
  let lo = 0;
  let hi = SQL_OFFSETS.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (SQL_OFFSETS[mid]! < start) lo = mid + 1; else hi = mid; }
  // A match must also end inside the node; `SQL_WRITE` then tests the string itself.
  return lo < SQL_OFFSETS.length && SQL_OFFSETS[lo]! < node.endIndex;
}

const GENERIC_CALLS: ReadonlySet<string> = new Set(['set', 'delete', 'clear', 'remove', 'update', 'create', 'put', 'send', 'post', 'run', 'call', 'pop', 'write', 'save', 'insert', 'drop', 'Do', 'Delete', 'Create', 'Exec']);

/** The sensitive operation one call performs, if any. */
function callOp(lang: Lang, call: SyntaxNode, aliases: ReadonlyMap<string, { kind: SensitiveKind; label: string }>): Op | undefined {
  const callee = calleeOf(call);
  if (!callee) return undefined;
  const alias = aliases.get(callee.full) ?? aliases.get(callee.name);
  if (alias) return { ...alias, range: rangeOf(call) };
  if (callee.name === 'fetch' || callee.name === 'request' || callee.name === 'NewRequest' || callee.name === 'NewRequestWithContext') {
    const method = methodOf(argsOf(call));
    return method && WRITE_METHODS.has(method) ? { kind: 'send', label: `${callee.name} ${method}`, range: rangeOf(call) } : undefined;
  }
  if (lang === 'py' && callee.name === 'open') {
    if (argsOf(call).some((a) => /^["'][wax+]+b?["']$/.test(a.text) || /mode\s*=\s*["'][wax]/.test(a.text))) return { kind: 'write', label: 'open for writing', range: rangeOf(call) };
  }
  const hit = SENSITIVE_CALLS[lang].find((s) => s.name === callee.name);
  if (!hit) return undefined;
  // Receiver-less generic names (`set(...)`, `run(...)`) are only sensitive as methods.
  const isMethod = callee.full !== callee.name;
  if (GENERIC_CALLS.has(callee.name) && !isMethod) return undefined;
  if (lang === 'py' && callee.name === 'run' && !/subprocess|asyncio/.test(callee.full)) return undefined;
  if (lang === 'py' && callee.name === 'call' && !/subprocess/.test(callee.full)) return undefined;
  return { kind: hit.kind, label: hit.label === hit.name && isMethod ? callee.full : hit.label, range: rangeOf(call) };
}

function methodOf(args: SyntaxNode[]): string | undefined {
  for (const a of args) {
    const v = stringValue(a);
    if (v && WRITE_METHODS.has(v.toUpperCase())) return v.toUpperCase();
    if (a.type === 'object' || a.type === 'dictionary') {
      for (const p of desc(a, 'pair')) {
        const key = f(p, 'key');
        const value = f(p, 'value');
        if (key && value && /^["']?method["']?$/.test(key.text)) {
          const sv = stringValue(value);
          if (sv) return sv.toUpperCase();
        }
      }
    }
    if (a.type === 'keyword_argument' && f(a, 'name')?.text === 'method') {
      const v2 = f(a, 'value');
      const sv = v2 ? stringValue(v2) : undefined;
      if (sv) return sv.toUpperCase();
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Bodies

/** Statements of a block-like node. */
function statementsOf(lang: Lang, node: SyntaxNode): SyntaxNode[] {
  if (lang === 'ts' && (node.type === 'switch_case' || node.type === 'switch_default')) {
    const value = f(node, 'value');
    const stmts = named(node).filter((c) => value === undefined || c.id !== value.id);
    return stmts.length === 1 && stmts[0]!.type === 'statement_block' ? named(stmts[0]!) : stmts;
  }
  if (lang === 'go' && (node.type === 'expression_case' || node.type === 'default_case')) {
    const list = named(node).find((c) => c.type === 'statement_list');
    return list ? named(list) : named(node).slice(1);
  }
  if (lang === 'go' && node.type === 'block') {
    const list = named(node).find((c) => c.type === 'statement_list');
    return list ? named(list) : named(node);
  }
  if (lang === 'py' && node.type === 'case_clause') {
    const b = f(node, 'consequence');
    return b ? named(b) : [];
  }
  return named(node);
}

/** Statements that run before `node` in the enclosing blocks, up to (excluding) `stop`. */
function dominators(lang: Lang, node: SyntaxNode, stop: SyntaxNode | undefined): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let child = node;
  for (let p = node.parent; p && p !== stop; child = p, p = p.parent) {
    if (isFunction(lang, p)) break;
    if (p.type === 'switch_body' || p.type === 'expression_switch_statement' || p.type === 'match_statement' || p.type === 'block' && p.parent?.type === 'match_statement') continue;
    const siblings = lang === 'go' && p.type === 'statement_list' ? named(p) : named(p);
    for (const s of siblings) {
      if (s.startIndex >= child.startIndex) break;
      if (s.type === 'switch_case' || s.type === 'case_clause' || s.type === 'expression_case' || s.type === 'elif_clause' || s.type === 'else_clause') continue;
      out.push(s);
    }
  }
  return out.reverse();
}

/** FastMCP 3 injected principals: `token: AccessToken = CurrentAccessToken()`, `sub = TokenClaim("sub")`. */
const PRINCIPAL_PARAM = /AccessToken|CurrentAccessToken|TokenClaim|get_access_token|AuthInfo|TokenInfo/;

function principalParams(lang: Lang, fn: SyntaxNode): string[] {
  if (lang !== 'py') return [];
  return paramNames(lang, fn).filter((p) => PRINCIPAL_PARAM.test(f(p, 'type')?.text ?? '') || PRINCIPAL_PARAM.test(f(p, 'value')?.text ?? ''))
    .map((p) => simpleParamName(p)).filter((n): n is string => n !== undefined);
}

export interface BodyEnv {
  lang: Lang;
  /** Parameters that carry the verified principal. */
  principals?: string[];
  argNames: Set<string>;
  helpers: ReadonlySet<string>;
  aliases: ReadonlyMap<string, { kind: SensitiveKind; label: string }>;
}

/** Reads one statement for checks and guard calls. */
function scanStatement(env: BodyEnv, cx: CondContext, s: SyntaxNode, out: BodyFacts, depth = 0): void {
  const lang = env.lang;
  // Locals assigned from an auth source: `const auth = extra.authInfo`, `token = get_access_token()`.
  const assigns = lang === 'ts' ? desc(s, 'variable_declarator') : lang === 'py' ? (s.type === 'expression_statement' ? desc(s, 'assignment') : []) : desc(s, ['short_var_declaration', 'assignment_statement']);
  for (const a of assigns) {
    if (!mayBindAssignment(a, cx, env)) continue;
    const left = f(a, 'name') ?? f(a, 'left');
    const right = f(a, 'value') ?? f(a, 'right');
    if (!left || !right) continue;
    const rn = namesIn(right);
    const isAuth = rn.some((n) => STRONG_SOURCES.has(n) || cx.authLocals.has(n))
      || desc(right, CALL_TYPES[lang]).concat(right.type === CALL_TYPES[lang][0] ? [right] : []).some((c) => { const cn = calleeOf(c); return !!cn && (isHelperName(cn.name, env.helpers) || PRINCIPAL_GETTER.test(cn.name)); });
    if (isAuth) for (const n of namesIn(left)) cx.authLocals.add(n);
    if (rn.some((n) => env.argNames.has(n)) && !isAuth) for (const n of namesIn(left)) env.argNames.add(n);
  }
  if (s.type === NODE[lang].ifStatement) {
    const cond = f(s, 'condition');
    const cons = f(s, 'consequence');
    if (cond && cons) {
      const kind = classifyCondition(cond, cx);
      if (kind && denies(lang, cons)) {
        const site = { range: rangeOf(s), text: cond.text };
        if (kind === 'client') out.checks.push({ kind: 'client-identity', ...site });
        else if (failOpenShape(lang, cond, cx)) out.checks.push({ kind: 'fail-open', ...site });
        else out.checks.push({ kind: 'check', ...site });
      } else if (kind === 'auth' && passThroughShape(lang, cond, cons, cx, kind)) {
        out.checks.push({ kind: 'fail-open', range: rangeOf(s), text: cond.text });
      }
    }
    return;
  }
  if (lang === 'py' && s.type === 'assert_statement') {
    if (classifyCondition(s, cx) === 'auth') out.checks.push({ kind: 'check', range: rangeOf(s), text: s.text });
    return;
  }
  if (lang === 'ts' && (s.type === 'try_statement') && depth < 2) {
    const body = f(s, 'body');
    if (body) for (const inner of named(body)) scanStatement(env, cx, inner, out, depth + 1);
    return;
  }
  if (lang === 'py' && (s.type === 'try_statement' || s.type === 'with_statement') && depth < 2) {
    const body = f(s, 'body') ?? named(s).find((c) => c.type === 'block');
    if (body) for (const inner of named(body)) scanStatement(env, cx, inner, out, depth + 1);
    return;
  }
  // Statement-position calls: `requireScope(extra, 'x')`, `await assertScope(...)`, `const a = requireAuth(extra)`.
  if (['expression_statement', 'lexical_declaration', 'variable_declaration', 'short_var_declaration', 'assignment_statement'].includes(s.type)) {
    const firstCall = firstDesc(s, CALL_TYPES[lang]);
    const callee = firstCall ? calleeOf(firstCall) : undefined;
    if (firstCall && callee && !sdkContextMethod(callee, env.helpers)) out.guardCalls.push({ name: callee.name, range: rangeOf(firstCall) });
  }
}

/**
 * `extra.taskStore.createTask(...)`, `ctx.report_progress(...)`: a method of the SDK's request
 * context is not a project function, whatever project function shares its last name.
 */
function sdkContextMethod(callee: { name: string; full: string }, helpers: ReadonlySet<string>): boolean {
  const dot = callee.full.search(/\??\./);
  if (dot <= 0 || !REQUEST_CONTEXT_NAMES.has(callee.full.slice(0, dot))) return false;
  return !isHelperName(callee.name, helpers) && !isUnambiguousAuthPredicate(callee.name);
}

/** Facts of a list of statements: checks before the first sensitive op, all ops and calls. */
export function bodyFacts(env: BodyEnv, statements: SyntaxNode[], whole: SyntaxNode[], preceding: SyntaxNode[] = []): BodyFacts {
  const out: BodyFacts = { checks: [], guardCalls: [], calls: [], ops: [] };
  const cx: CondContext = { lang: env.lang, argNames: env.argNames, authLocals: new Set(env.principals ?? []), helpers: env.helpers };
  for (const w of whole) out.ops.push(...sensitiveOps(env.lang, w, env.aliases));
  out.ops.sort((a, b) => a.range.start.offset - b.range.start.offset);
  const firstOp = out.ops[0]?.range.start.offset ?? Infinity;
  for (const s of [...preceding, ...statements]) {
    if (s.startIndex > firstOp) break;
    scanStatement(env, cx, s, out);
  }
  for (const w of whole) {
    for (const c of desc(w, CALL_TYPES[env.lang])) {
      const callee = calleeOf(c);
      if (callee) out.calls.push(callee.name);
    }
  }
  return out;
}

/** Facts of a whole function used as helper: checks anywhere (nested wrappers included). */
function helperFacts(env: BodyEnv, fn: SyntaxNode): BodyFacts {
  const body = bodyOf(fn);
  const out: BodyFacts = { checks: [], guardCalls: [], calls: [], ops: [] };
  if (!body) return out;
  const cx: CondContext = { lang: env.lang, argNames: new Set(), authLocals: new Set(), helpers: env.helpers };
  for (const { type, node: s } of descTyped(body, [NODE[env.lang].ifStatement, 'assert_statement', 'variable_declarator', 'assignment', 'short_var_declaration'])) {
    if (type === NODE[env.lang].ifStatement || type === 'assert_statement') {
      // Neither its condition nor an assignment inside can matter without one of the words.
      if (!mayClassify(s, cx) && !mayBindAssignment(s, cx, env)) continue;
      scanStatement(env, cx, s, out);
    } else {
      if (!mentionsAuth(s, cx)) continue;
      const left = f(s, 'name') ?? f(s, 'left');
      const right = f(s, 'value') ?? f(s, 'right');
      if (left && right && namesIn(right).some((n) => STRONG_SOURCES.has(n) || cx.authLocals.has(n))) for (const n of namesIn(left)) cx.authLocals.add(n);
    }
  }
  const calls = desc(body, CALL_TYPES[env.lang]);
  out.ops = sensitiveOps(env.lang, body, env.aliases, calls);
  for (const c of calls) {
    const callee = calleeOf(c);
    if (callee) {
      out.calls.push(callee.name);
      out.guardCalls.push({ name: callee.name, range: callRange(c) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Parameters

function paramNames(_lang: Lang, fn: SyntaxNode): SyntaxNode[] {
  const params = f(fn, 'parameters') ?? f(fn, 'parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params];
  return named(params);
}

function simpleParamName(p: SyntaxNode): string | undefined {
  if (p.type === 'identifier') return p.text;
  const pat = f(p, 'pattern') ?? f(p, 'name');
  if (pat && pat.type === 'identifier') return pat.text;
  const id = named(p).find((c) => c.type === 'identifier');
  return id?.text;
}

/** Names bound to tool arguments (the model chooses them). */
function argNamesOf(lang: Lang, fn: SyntaxNode, kind: RegistrationKind): Set<string> {
  const out = new Set<string>();
  const ps = paramNames(lang, fn);
  if (lang === 'ts') {
    const first0 = ps[0];
    const destructured = first0 ? (first0.type === 'object_pattern' ? first0 : named(first0).find((c) => c.type === 'object_pattern')) : undefined;
    const extraLike = destructured ? namesIn(destructured).some((n) => ['authInfo', 'http', '_meta', 'signal', 'sessionId', 'requestId', 'session'].includes(n)) : false;
    if (kind === 'fastmcp-add-tool' || ps.length >= 2 || (destructured && !extraLike)) {
      const first = ps[0];
      if (first) for (const n of namesIn(first)) out.add(n);
    }
  } else if (lang === 'py') {
    for (const p of ps) {
      const name = simpleParamName(p);
      const type = f(p, 'type')?.text ?? '';
      if (!name || name === 'self' || name === 'cls' || /Context/.test(type) || name === 'ctx' || name === 'context') continue;
      if (PRINCIPAL_PARAM.test(type) || PRINCIPAL_PARAM.test(f(p, 'value')?.text ?? '')) continue;
      out.add(name);
    }
    if (kind === 'py-low-level-case') out.add('arguments');
  } else {
    // Go: request arguments are read through calls; `GetString("role")` is handled in classifyCondition.
  }
  // Never treat auth objects as args.
  for (const s of ['extra', 'ctx', 'context', 'authInfo']) out.delete(s);
  return out;
}

// ---------------------------------------------------------------------------------------
// The file

const TS_FRAMEWORK: Record<string, FixAnchor['framework']> = { 'mcp-sdk-v2': 'v2', fastmcp: 'fastmcp' };

function indentAt(text: string, offset: number): { lineStart: number; indent: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart));
  return { lineStart, indent: m ? m[0] : '' };
}

function fixAnchor(lang: Lang, text: string, fn: SyntaxNode | undefined, arm: SyntaxNode | undefined, registration: SyntaxNode, framework: string | undefined, kind: RegistrationKind): FixAnchor | undefined {
  const reg = indentAt(text, registration.startIndex);
  const fw: FixAnchor['framework'] = lang === 'py' ? 'py' : lang === 'go' ? (framework === 'go-sdk' ? 'go-sdk' : 'mcp-go') : (TS_FRAMEWORK[framework ?? ''] ?? 'v1');
  const base = { lang, framework: fw, lineStart: reg.lineStart, lineIndent: reg.indent };
  const container = arm ?? (fn ? bodyOf(fn) : undefined);
  if (!container) return undefined;
  let stmts = statementsOf(lang, container);
  if (lang === 'py' && stmts[0]?.type === 'expression_statement' && named(stmts[0])[0]?.type === 'string') {
    // after the docstring
    const doc = stmts[0];
    const next = stmts[1];
    const ind = next ? indentAt(text, next.startIndex).indent : indentAt(text, doc.startIndex).indent;
    stmts = stmts.slice(1);
    return { ...base, insertOffset: next ? indentAt(text, next.startIndex).lineStart : doc.endIndex + 1, indent: ind, ...paramsInfo(lang, fn, kind, fw) };
  }
  const first = stmts[0];
  if (first && first.startPosition.row > container.startPosition.row) {
    const at = indentAt(text, first.startIndex);
    return { ...base, insertOffset: at.lineStart, indent: at.indent, ...paramsInfo(lang, fn, kind, fw) };
  }
  if (container.type === 'statement_block' || container.type === 'block') {
    const brace = container.startIndex + 1;
    return { ...base, insertOffset: brace, indent: reg.indent + (lang === 'go' ? '\t' : '  '), ...paramsInfo(lang, fn, kind, fw), ...{ inline: true } };
  }
  return undefined;
}

function paramsInfo(lang: Lang, fn: SyntaxNode | undefined, kind: RegistrationKind, fw: FixAnchor['framework']): Pick<FixAnchor, 'contextParam' | 'addParam'> {
  if (!fn) return lang === 'ts' ? { contextParam: 'extra' } : lang === 'go' ? { contextParam: 'ctx' } : {};
  const ps = paramNames(lang, fn);
  if (lang === 'ts') {
    const wanted = kind === 'fastmcp-add-tool' ? 1 : 1;
    const ctxParam = ps[wanted] ? simpleParamName(ps[wanted]!) : undefined;
    if (ctxParam) return { contextParam: ctxParam };
    const params = f(fn, 'parameters');
    const name = fw === 'fastmcp' ? 'context' : fw === 'v2' ? 'ctx' : 'extra';
    if (params && params.type === 'formal_parameters') {
      const close = params.endIndex - 1;
      if (ps.length === 1) return { contextParam: name, addParam: { offset: close, text: `, ${name}` } };
      if (ps.length === 0) return { contextParam: name, addParam: { offset: close, text: kind === 'register-tool' || kind === 'sdk-tool' ? `_args, ${name}` : `_args, ${name}` } };
    }
    return {};
  }
  if (lang === 'go') {
    const first = ps[0];
    const n = first ? named(first).find((c) => c.type === 'identifier')?.text : undefined;
    const second = ps[1];
    const r = second ? named(second).find((c) => c.type === 'identifier')?.text : undefined;
    return { contextParam: fw === 'go-sdk' ? (r ?? 'req') : (n && n !== '_' ? n : 'ctx') };
  }
  return {};
}

export interface FileInput {
  file: string;
  text: string;
  language: SourceLanguage;
  framework?: string;
  /** Known helper names (settings + previous full run). */
  helpers: ReadonlySet<string>;
  /** Facts of the previous version of this file: unchanged tools and functions are reused (keystroke path). */
  previous?: FileFacts;
  /**
   * No tool can reach this file's functions (its project registers none, and the file no tool):
   * summarise only the functions that can be tool-call middleware (`toolScopeMiddleware`); when
   * none can, no function is named either (`functions` and `visibleNames` stay empty).
   */
  light?: boolean;
}

/** Moves every position of a cached fact by whole lines (same column) and offsets. */
function shifted<T>(value: T, dLine: number, dOff: number): T {
  if (dLine === 0 && dOff === 0) return value;
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, ''));
    if (typeof v === 'number') {
      if (key === 'line') return v + dLine;
      if (key === 'offset' || key === 'insertOffset' || key === 'lineStart') return v + dOff;
      return v;
    }
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  return walk(value, '') as T;
}

const KEYED = new WeakMap<readonly object[], ReadonlyMap<string | undefined, object>>();

/** Cached facts by their cache key (the first of equal keys), built once per previous version. */
function byCacheKey<T extends { cacheKey?: string }>(list: readonly T[]): ReadonlyMap<string | undefined, T> {
  let map = KEYED.get(list) as Map<string | undefined, T> | undefined;
  if (!map) {
    map = new Map();
    for (const x of list) if (!map.has(x.cacheKey)) map.set(x.cacheKey, x);
    KEYED.set(list, map);
  }
  return map;
}

function reuse<T extends { cacheKey?: string }>(previous: ReadonlyMap<string | undefined, T> | undefined, key: string, anchor: (t: T) => { line: number; column: number; offset: number }, node: SyntaxNode): T | undefined {
  const old = previous?.get(key);
  if (!old) return undefined;
  const at = anchor(old);
  if (at.column !== node.startPosition.column + 1) return undefined;
  return shifted(old, node.startPosition.row + 1 - at.line, node.startIndex - at.offset);
}

/** Extracts everything from one live tree. */
export function extractFileFacts(input: FileInput, facts: SourceFactsNodes, root: SyntaxNode): FileFacts {
  INDEX = facts.index && facts.index.root.tree === root.tree ? facts.index : new NodeIndex(root, input.text);
  try {
    return extractWithIndex(input, facts, root);
  } finally {
    INDEX = undefined;
    FUNCTIONS_CACHE = undefined;
    CALLEES = new Map();
    CALL_OPS = new Map();
    CALL_RANGES = new Map();
    WORD_KINDS = new Map();
    NODE_WORDS = new Map();
    SQL_OFFSETS = undefined;
  }
}

/** Idiom G: a middleware reads the called tool's name (`params.name`, `mcp-name`) and checks scopes. */
const TOOL_NAME_READ = /params\??\.name|['"]mcp-name['"]/i;
const SCOPE_WORD = /scope/i;

let FUNCTIONS_CACHE: { root: SyntaxNode; list: Array<{ name: string; fn: SyntaxNode }> } | undefined;

function extractWithIndex(input: FileInput, facts: SourceFactsNodes, root: SyntaxNode): FileFacts {
  const lang = langOf(input.language);
  const { file } = input;
  const out: FileFacts = {
    file, lang, functions: [], tools: [], sites: [], authnEvidence: false, fastmcpAuthenticate: false,
    toolMiddleware: [], restrictedTags: [], visibleNames: [],
  };
  // Light, and no function here can be tool-call middleware: only the file-level sites
  // (no function is named, so the tree is not walked for them).
  if (input.light && !(TOOL_NAME_READ.test(input.text) && SCOPE_WORD.test(input.text))) {
    fileSites(lang, input, root, out);
    return out;
  }
  const aliases = fileAliases(lang, root);
  const env: BodyEnv = { lang, argNames: new Set(), helpers: input.helpers, aliases };

  // Function summaries.
  const defs = namedFunctions(lang, root);
  const aliasKey = [...aliases.keys()].sort().join(',');
  const helperKey = [...input.helpers].sort().join(',');
  const previousFunctions = input.previous ? byCacheKey(input.previous.functions) : undefined;
  for (const { name, fn } of defs) {
    const fnText = textOf(fn);
    // Light: `toolScopeMiddleware` needs both words in the body, so the function's text has them.
    if (input.light && !(TOOL_NAME_READ.test(fnText) && SCOPE_WORD.test(fnText))) { out.visibleNames.push(name); continue; }
    const key = `${name}\u0000${aliasKey}\u0000${helperKey}\u0000${fnText}`;
    const cached = previousFunctions ? reuse(previousFunctions, key, (x) => x.range.start, fn) : undefined;
    if (cached) { out.functions.push({ ...cached, file }); out.visibleNames.push(name); continue; }
    const body = helperFacts({ ...env, argNames: new Set() }, fn);
    const anyCheck = body.checks.some((c) => c.kind === 'check');
    const bodyNode = anyCheck ? bodyOf(fn) : undefined;
    const bodyText = bodyNode ? textOf(bodyNode) : '';
    out.functions.push({
      name, file, range: rangeOf(fn), body,
      anyCheck,
      anyFailOpen: body.checks.some((c) => c.kind === 'fail-open'),
      anyClientIdentity: body.checks.some((c) => c.kind === 'client-identity'),
      toolScopeMiddleware: anyCheck && TOOL_NAME_READ.test(bodyText) && SCOPE_WORD.test(bodyText),
      // Only helpers (functions that check) are offered by fixes, with their parameters.
      params: anyCheck ? paramNames(lang, fn).map((p) => simpleParamName(p) ?? p.text) : [],
      cacheKey: key,
    });
    out.visibleNames.push(name);
  }
  out.visibleNames.push(...importedNames(lang, root));

  // Registrations: low-level list entries take their dispatch arm as handler.
  const arms = new Map<string, ToolRegistrationNodes>();
  for (const r of facts.registrations) if (r.kind === 'low-level-case' || r.kind === 'py-low-level-case') arms.set(r.name, r);
  const listed = new Set(facts.registrations.filter((r) => r.kind === 'low-level-list' || r.kind === 'py-low-level-list').map((r) => r.name));
  for (const r of facts.registrations) {
    if ((r.kind === 'low-level-case' || r.kind === 'py-low-level-case') && listed.has(r.name)) continue;
    out.tools.push(toolFacts(env, input, r, r.kind === 'low-level-list' || r.kind === 'py-low-level-list' ? arms.get(r.name) : undefined));
  }

  fileSites(lang, input, root, out);
  return out;
}

/** `const run = promisify(exec)`: only declarators whose text names an exec call can alias one. */
const EXEC_NAMES = new RegExp(`(?<![\\p{L}\\p{N}_$])(${SENSITIVE_CALLS.ts.filter((s) => s.kind === 'exec').map((s) => s.name).join('|')})(?![\\p{L}\\p{N}_$])`, 'u');

function fileAliases(lang: Lang, root: SyntaxNode): Map<string, { kind: SensitiveKind; label: string }> {
  const m = new Map<string, { kind: SensitiveKind; label: string }>();
  if (lang !== 'ts' || !EXEC_NAMES.test(INDEX?.text ?? root.text)) return m;
  for (const d of desc(root, 'variable_declarator')) {
    if (!EXEC_NAMES.test(textOf(d))) continue;
    const name = f(d, 'name');
    const value = f(d, 'value');
    if (!name || name.type !== 'identifier' || !value || value.type !== 'call_expression') continue;
    for (const n of namesIn(value)) {
      const hit = SENSITIVE_CALLS.ts.find((s) => s.name === n && s.kind === 'exec');
      if (hit) { m.set(name.text, { kind: hit.kind, label: hit.label }); break; }
    }
  }
  return m;
}

function namedFunctions(lang: Lang, root: SyntaxNode): Array<{ name: string; fn: SyntaxNode }> {
  if (FUNCTIONS_CACHE && FUNCTIONS_CACHE.root.id === root.id) return FUNCTIONS_CACHE.list;
  const out: Array<{ name: string; fn: SyntaxNode }> = [];
  FUNCTIONS_CACHE = { root, list: out };
  if (lang === 'ts') {
    for (const d of desc(root, ['function_declaration', 'generator_function_declaration', 'method_definition'])) {
      const n = f(d, 'name');
      if (n) out.push({ name: n.text, fn: d });
    }
    for (const d of desc(root, ['variable_declarator', 'pair', 'public_field_definition'])) {
      // A function value's text contains `=>` or `function`: skip the others without asking the tree.
      const t = textOf(d);
      if (!t.includes('=>') && !t.includes('function')) continue;
      const n = f(d, 'name') ?? f(d, 'key') ?? f(d, 'property');
      const v = f(d, 'value');
      if (n && v && ['arrow_function', 'function_expression', 'function'].includes(v.type)) out.push({ name: n.text.replace(/^["']|["']$/g, ''), fn: v });
    }
  } else if (lang === 'py') {
    for (const d of desc(root, 'function_definition')) {
      const n = f(d, 'name');
      if (n) out.push({ name: n.text, fn: d });
    }
  } else {
    for (const d of desc(root, ['function_declaration', 'method_declaration'])) {
      const n = f(d, 'name');
      if (n) out.push({ name: n.text, fn: d });
    }
    for (const d of desc(root, ['short_var_declaration', 'var_spec'])) {
      const left = f(d, 'left') ?? f(d, 'name');
      const right = f(d, 'right') ?? f(d, 'value');
      const lit = right ? desc(right, 'func_literal')[0] : undefined;
      if (left && lit && named(right!).length === 1) out.push({ name: left.text, fn: lit });
    }
  }
  return out;
}

function importedNames(lang: Lang, root: SyntaxNode): string[] {
  const out: string[] = [];
  if (lang === 'ts') {
    for (const s of desc(root, ['import_specifier', 'namespace_import'])) {
      const n = f(s, 'alias') ?? f(s, 'name') ?? named(s)[0];
      if (n) out.push(n.text);
    }
  } else if (lang === 'py') {
    for (const s of desc(root, 'import_from_statement')) {
      for (const n of named(s).slice(1)) out.push((f(n, 'alias') ?? f(n, 'name') ?? n).text);
    }
  }
  return out;
}

function resolveLocalFunction(lang: Lang, root: SyntaxNode, name: string): SyntaxNode | undefined {
  return namedFunctions(lang, root).find((d) => d.name === name)?.fn;
}

function annotationsOf(lang: Lang, reg: SyntaxNode): ToolFacts['annotations'] {
  const t = reg.text;
  const a: ToolFacts['annotations'] = {};
  const truthy = lang === 'py' ? 'True' : 'true';
  const falsy = lang === 'py' ? 'False' : 'false';
  const key = (k: string, v: string): boolean => new RegExp(`["']?${k}["']?\\s*[:=]\\s*${v}\\b`).test(t) || new RegExp(`With${k[0]!.toUpperCase()}${k.slice(1)}\\(${v}\\)`).test(t);
  if (key('destructiveHint', truthy) || key('destructive_hint', truthy) || /WithDestructiveHintAnnotation\(true\)/.test(t)) a.destructive = true;
  if (key('readOnlyHint', truthy) || key('read_only_hint', truthy) || /WithReadOnlyHintAnnotation\(true\)/.test(t)) a.readOnly = true;
  if (key('readOnlyHint', falsy)) a.readOnly = false;
  return a;
}

function toolFacts(env0: BodyEnv, input: FileInput, r: ToolRegistrationNodes, arm: ToolRegistrationNodes | undefined): ToolFacts {
  if (arm || r.kind === 'low-level-case' || r.kind === 'py-low-level-case' || !input.previous) return computeToolFacts(env0, input, r, arm);
  // Inline handlers depend only on the registration's text, the enclosing conditions and the file's aliases.
  const conds: string[] = [];
  for (let p = r.registrationNode.parent; p; p = p.parent) if (p.type === NODE[env0.lang].ifStatement) conds.push(f(p, 'condition')?.text ?? '');
  const key = `${r.name}\u0000${[...env0.aliases.keys()].sort().join(',')}\u0000${[...input.helpers].sort().join(',')}\u0000${conds.join('\u0001')}\u0000${r.registrationNode.text}`;
  const cached = reuse(byCacheKey(input.previous.tools), key, (t) => t.registrationRange.start, r.registrationNode);
  if (cached) return cached;
  const fresh = computeToolFacts(env0, input, r, arm);
  if (!fresh.handlerRef && !LOCAL_RESOLVED.has(fresh)) fresh.cacheKey = key;
  return fresh;
}

/** Tools whose handler was resolved to a function elsewhere in the file (not cacheable by registration text). */
const LOCAL_RESOLVED = new WeakSet<ToolFacts>();

function computeToolFacts(env0: BodyEnv, input: FileInput, r: ToolRegistrationNodes, arm: ToolRegistrationNodes | undefined): ToolFacts {
  const lang = env0.lang;
  const root = r.registrationNode.tree.rootNode;
  const tool: ToolFacts = {
    name: r.name, kind: r.kind, nameRange: rangeOf(r.nameNode), registrationRange: rangeOf(r.registrationNode),
    wrappers: [], decoratorsAbove: [], decoratorsBelow: [], conditionalOnPrincipal: false,
    annotations: annotationsOf(lang, r.registrationNode), handlerUnresolved: false,
  };
  // Registered only for some principals (idiom F).
  for (let p = r.registrationNode.parent; p; p = p.parent) {
    if (p.type === NODE[lang].ifStatement) {
      const cond = f(p, 'condition');
      const cx: CondContext = { lang, argNames: new Set(), authLocals: new Set(), helpers: env0.helpers };
      if (cond && classifyCondition(cond, cx) === 'auth' && !/\b(READ_ONLY|readOnly|process\.env|os\.environ|Getenv)\b/.test(cond.text)) tool.conditionalOnPrincipal = true;
    }
  }

  let handler: SyntaxNode | undefined = arm ? arm.handlerNode : r.handlerNode;
  const isArm = r.kind === 'low-level-case' || r.kind === 'py-low-level-case' || !!arm;

  // Python decorators.
  if (r.kind === 'py-tool-decorator' && r.registrationNode.type === 'decorated_definition') {
    const decorators = named(r.registrationNode).filter((c) => c.type === 'decorator');
    const recv = r.receiver ?? '';
    const idx = decorators.findIndex((d) => { const t = d.text.replace(/^@\s*/, ''); return t.startsWith(`${recv}.tool`) || /^\w+\.tool\b/.test(t); });
    decorators.forEach((d, i) => {
      if (i === idx) {
        for (const kw of desc(d, 'keyword_argument')) {
          const k = f(kw, 'name')?.text;
          if (k === 'auth') tool.frameworkAuth = { option: 'auth', range: rangeOf(kw), text: kw.text };
          if (k === 'tags' && !tool.frameworkAuth) tool.frameworkAuth = { option: 'tags', range: rangeOf(kw), text: f(kw, 'value')?.text ?? '' };
        }
        return;
      }
      const expr = named(d)[0];
      const c = expr?.type === 'call' ? calleeOf(expr) : undefined;
      const name = c?.name ?? (expr ? (f(expr, 'attribute') ?? expr).text : '');
      (idx >= 0 && i < idx ? tool.decoratorsAbove : tool.decoratorsBelow).push({ name, range: rangeOf(d) });
    });
  }
  if (r.kind === 'py-add-tool') {
    for (const kw of desc(r.registrationNode, 'keyword_argument')) {
      if (f(kw, 'name')?.text === 'auth') tool.frameworkAuth = { option: 'auth', range: rangeOf(kw), text: kw.text };
    }
  }
  // fastmcp TS: `canAccess` next to `execute`.
  if (r.kind === 'fastmcp-add-tool' && handler?.parent?.parent) {
    const obj = handler.parent.parent;
    for (const p of named(obj)) {
      if ((p.type === 'pair' || p.type === 'method_definition') && (f(p, 'key') ?? f(p, 'name'))?.text === 'canAccess') tool.frameworkAuth = { option: 'canAccess', range: rangeOf(p), text: p.text };
      if (p.type === 'shorthand_property_identifier' && p.text === 'canAccess') tool.frameworkAuth = { option: 'canAccess', range: rangeOf(p), text: p.text };
    }
  }
  // Go mcp-go `server.ServerTool{...}` etc. are handled by the registration table; wrappers below.

  // Unwrap handler expressions: wrappers, references.
  for (let guard = 0; handler && guard < 4; guard++) {
    if (handler.type === 'call_expression' || handler.type === 'call') {
      const callee = calleeOf(handler);
      const target = f(handler, 'function');
      // `this.handleDelete.bind(this)`: the bound function is the handler.
      if (callee?.name === 'bind' && target?.type === 'member_expression') {
        const object = f(target, 'object');
        if (object) { handler = object; continue; }
      }
      if (callee) tool.wrappers.push({ name: callee.name, range: rangeOf(handler) });
      const args = argsOf(handler);
      const inner = args.find((a) => isFunction(lang, a)) ?? args.find((a) => a.type === 'identifier' || a.type === 'member_expression' || a.type === 'selector_expression');
      const fn = f(handler, 'function');
      handler = inner ?? (fn && (fn.type === 'call_expression' || fn.type === 'call') ? undefined : undefined);
      continue;
    }
    if (handler.type === 'identifier' || handler.type === 'member_expression' || handler.type === 'selector_expression' || handler.type === 'attribute') {
      const name = (f(handler, 'property') ?? f(handler, 'field') ?? f(handler, 'attribute') ?? handler).text;
      const local = resolveLocalFunction(lang, root, name);
      if (local) { handler = local; LOCAL_RESOLVED.add(tool); continue; }
      tool.handlerRef = name;
      handler = undefined;
      break;
    }
    if (lang === 'ts' && handler.type === 'parenthesized_expression') { handler = named(handler)[0]; continue; }
    break;
  }

  if (handler && (isFunction(lang, handler) || isArm)) {
    const fnNode = isFunction(lang, handler) ? handler : undefined;
    const enclosing = fnNode ?? enclosingFunction(lang, handler);
    const argNames = enclosing ? argNamesOf(lang, enclosing, r.kind) : new Set<string>();
    if (isArm) {
      // The dispatch variable and `arguments`/`args` are client data.
      for (const n of ['arguments', 'args', 'params']) argNames.add(n);
    }
    const env: BodyEnv = { ...env0, argNames, principals: enclosing ? principalParams(lang, enclosing) : [] };
    if (fnNode) {
      const body = bodyOf(fnNode);
      if (body) {
        const stmts = body.type === 'statement_block' || body.type === 'block' ? statementsOf(lang, body) : [body];
        tool.body = bodyFacts(env, stmts, [body]);
        // An arrow with an expression body: `async () => requireScope(...) && ...` is rare; ignore.
      }
    } else {
      const stmts = (handler.type === 'switch_case' || handler.type === 'case_clause' || handler.type === 'expression_case') ? statementsOf(lang, handler)
        : handler.type === 'statement_block' || handler.type === 'block' ? statementsOf(lang, handler) : [handler];
      const pre = dominators(lang, handler, enclosing ? bodyOf(enclosing) ?? undefined : undefined);
      // Dispatch arms: code before the switch in the same handler dominates every arm.
      const container = enclosing ? bodyOf(enclosing) : undefined;
      const before = container ? dominators(lang, handler, container.parent ?? undefined) : pre;
      tool.body = bodyFacts(env, stmts, [handler], before);
    }
    tool.fix = fixAnchor(lang, input.text, fnNode, fnNode ? undefined : handler, r.registrationNode, input.framework, r.kind);
    const container = fnNode ? bodyOf(fnNode) : handler;
    const first = container ? (container.type === 'statement_block' || container.type === 'block' || !fnNode ? statementsOf(lang, container)[0] : container) : undefined;
    const firstReal = first && lang === 'py' && first.type === 'expression_statement' && named(first)[0]?.type === 'string' ? statementsOf(lang, container!)[1] ?? first : first;
    if (firstReal) tool.expectedAt = rangeOf(firstReal);
  } else if (!tool.handlerRef && tool.wrappers.length === 0 && !tool.frameworkAuth) {
    tool.handlerUnresolved = true;
  }
  return tool;
}

function enclosingFunction(lang: Lang, node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (isFunction(lang, p)) return p;
  return undefined;
}

/** Registers a function as a reference target for a handler defined in another statement. */
export function resolveHandlerInFile(facts: FileFacts, name: string): FnSummary | undefined {
  return facts.functions.find((fn) => fn.name === name);
}

// ---------------------------------------------------------------------------------------
// File-level sites: MCPS205 (verifier without audience), MCPS206 (token passthrough),
// MCPS207 evidence (HTTP transport / authentication), MCPS208 evidence, middleware.

/** Callee names `fileSites` looks at: calls are found from their text, not by visiting every call. */
const SITE_CALLEES = [
  ...HTTP_TRANSPORT_CALLS, ...AUTHN_EVIDENCE, 'run', 'start', 'FastMCP', 'MCPServer', 'add_middleware', 'WithToolHandlerMiddleware',
  'WithToolFilter', 'AddReceivingMiddleware', 'jwtVerify', 'verify', 'decode', 'JWTVerifier', 'BearerAuthProvider', 'Parse', 'ParseWithClaims',
];
const SITE_CALLEE_RE = new RegExp(`\\b(${[...new Set(SITE_CALLEES)].join('|')})\\s*[(<]`, 'g');

/** The call whose callee ends with the identifier at `offset`, if any. */
function callAt(lang: Lang, root: SyntaxNode, offset: number): SyntaxNode | undefined {
  let n: SyntaxNode | null = root.descendantForIndex(offset);
  for (let hops = 0; n && hops < 4; hops++, n = n.parent) {
    if (CALL_TYPES[lang].includes(n.type)) return n;
  }
  return undefined;
}

function siteCalls(lang: Lang, text: string, root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const seen = new Set<number>();
  SITE_CALLEE_RE.lastIndex = 0;
  for (let m = SITE_CALLEE_RE.exec(text); m; m = SITE_CALLEE_RE.exec(text)) {
    const call = callAt(lang, root, m.index);
    if (call && !seen.has(call.id)) { seen.add(call.id); out.push(call); }
  }
  return out;
}

function fileSites(lang: Lang, input: FileInput, root: SyntaxNode, out: FileFacts): void {
  const calls = siteCalls(lang, input.text, root);
  for (const call of calls) {
    const callee = calleeOf(call);
    if (!callee) continue;
    const args = argsOf(call);
    const name = callee.name;
    if (HTTP_TRANSPORT_CALLS.has(name) && !out.httpTransport) out.httpTransport = rangeOf(call);
    if (lang === 'py' && name === 'run' && /\bmcp|server\b/i.test(callee.full) && args.some((a) => /transport\s*=\s*["'](streamable-http|sse|http)["']/.test(a.text)) && !out.httpTransport) out.httpTransport = rangeOf(call);
    if (lang === 'ts' && name === 'start' && /httpStream/.test(call.text) && !out.httpTransport) out.httpTransport = rangeOf(call);
    if (AUTHN_EVIDENCE.has(name)) out.authnEvidence = true;
    if (lang === 'py' && (name === 'FastMCP' || name === 'MCPServer')) {
      if (args.some((a) => a.type === 'keyword_argument' && ['auth', 'token_verifier', 'auth_server_provider'].includes(f(a, 'name')?.text ?? ''))) out.authnEvidence = true;
      for (const a of args) if (a.type === 'keyword_argument' && f(a, 'name')?.text === 'middleware') middlewareList(lang, f(a, 'value'), out);
    }
    if (lang === 'py' && name === 'add_middleware') for (const a of args) middlewareList(lang, a, out);
    if (lang === 'ts' && name === 'FastMCP' && args[0] && /\b(authenticate|auth|oauth)\b\s*[:,}]/.test(args[0].text)) { out.fastmcpAuthenticate = true; out.authnEvidence = true; }
    if (name === 'WithToolHandlerMiddleware' || name === 'WithToolFilter' || name === 'AddReceivingMiddleware') {
      for (const a of args) { const n = (f(a, 'field') ?? f(a, 'function') ?? a).text; out.toolMiddleware.push(n.replace(/\(.*$/s, '')); }
    }
    // MCPS205: verifiers without audience validation.
    audienceSite(lang, call, name, callee.full, args, out);
  }
  if (lang === 'go' && /\.Header\.Get\(\s*"Authorization"\s*\)/.test(input.text)) out.authnEvidence = true;
  if (lang === 'ts' && /headers\.authorization|headers\[['"]authorization['"]\]/i.test(input.text)) out.authnEvidence = true;
  // MCPS206: the caller's token in an outgoing Authorization header.
  if (/authorization/i.test(input.text)) passthroughSites(lang, root, out);
}

function middlewareList(lang: Lang, node: SyntaxNode | undefined, out: FileFacts): void {
  if (!node) return;
  for (const c of desc(node, CALL_TYPES[lang]).concat(node.type === 'call' ? [node] : [])) {
    const callee = calleeOf(c);
    if (!callee) continue;
    if (callee.name === 'AuthMiddleware') {
      const tag = /restrict_tag\(\s*["']([^"']+)["']/.exec(c.text);
      out.restrictedTags.push(tag ? tag[1]! : '*');
    } else if (callee.name !== 'restrict_tag' && callee.name !== 'require_scopes') out.toolMiddleware.push(callee.name);
  }
  for (const id of named(node).filter((n) => n.type === 'identifier')) out.toolMiddleware.push(id.text);
}

function audienceSite(lang: Lang, call: SyntaxNode, name: string, full: string, args: SyntaxNode[], out: FileFacts): void {
  const push = (what: string, fix: string): void => {
    out.sites.push({ rule: 'MCPS205', range: rangeOf(call), key: call.text.replace(/\s+/g, ' '), message: `${what} verifies the token without checking its audience, so a token issued for another service is accepted. ${fix}` });
  };
  if (lang === 'ts') {
    if (name === 'jwtVerify' && !/\baudience\b/.test(args[2]?.text ?? '')) push('`jwtVerify`', 'Pass `audience` (this server\'s resource URL) in the options.');
    else if (name === 'verify' && /\bjwt\b|jsonwebtoken/i.test(full) && !/\baudience\b/.test(args[2]?.text ?? '')) push('`jwt.verify`', 'Pass `audience` in the options.');
  } else if (lang === 'py') {
    const kw = (k: string): SyntaxNode | undefined => args.find((a) => a.type === 'keyword_argument' && f(a, 'name')?.text === k);
    if (name === 'decode' && /\bjwt\b/.test(full)) {
      const options = kw('options');
      if (options && /["']verify_aud["']\s*:\s*False/.test(options.text)) push('`jwt.decode`', 'Remove `verify_aud: False` and pass `audience=`.');
      else if (!kw('audience') && !/verify_signature["']\s*:\s*False/.test(options?.text ?? '')) push('`jwt.decode`', 'Pass `audience=` (this server\'s resource URL).');
    } else if ((name === 'JWTVerifier' || name === 'BearerAuthProvider') && !kw('audience')) push(`\`${name}\``, 'Pass `audience=`.');
  } else if (lang === 'go') {
    if ((name === 'Parse' || name === 'ParseWithClaims') && /\bjwt\b/.test(full) && !/WithAudience/.test(call.text)) push(`\`${full}\``, 'Add `jwt.WithAudience(<this server>)` to the parser options.');
  }
}

const INBOUND_GO = /\.Header\.Get\(\s*"Authorization"\s*\)/;

/**
 * Pairs, keyword arguments, keyed elements or header-setting calls whose text contains
 * "authorization": found from the word's occurrences (its key holds it), nearest first.
 */
function authorizationKeyed(root: SyntaxNode, text: string, types: ReadonlySet<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const seen = new Set<number>();
  const re = /authorization/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let n: SyntaxNode | null = root.descendantForIndex(m.index, m.index + m[0].length);
    for (let hops = 0; n && hops < 6; hops++, n = n.parent) {
      if (!types.has(n.type)) continue;
      if (!seen.has(n.id)) { seen.add(n.id); out.push(n); }
      break;
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

const KEYED_TYPES: Readonly<Record<Lang, ReadonlySet<string>>> = {
  ts: new Set(['pair']), py: new Set(['pair', 'keyword_argument']), go: new Set(['keyed_element', 'call_expression']),
};

function passthroughSites(lang: Lang, root: SyntaxNode, out: FileFacts): void {
  const nodes = authorizationKeyed(root, INDEX?.text ?? root.text, KEYED_TYPES[lang]);
  for (const p of nodes) {
    let key: string | undefined;
    let value: SyntaxNode | undefined;
    if (p.type === 'call_expression') {
      const callee = calleeOf(p);
      if (!callee || !['Set', 'Add'].includes(callee.name) || !/Header/.test(callee.full)) continue;
      const a = argsOf(p);
      key = a[0] ? stringValue(a[0]) : undefined;
      value = a[1];
    } else if (p.type === 'keyed_element') {
      const kids = named(p);
      key = kids[0] ? stringValue(named(kids[0])[0] ?? kids[0]) : undefined;
      value = kids[1];
    } else {
      const k = f(p, 'key') ?? f(p, 'name');
      key = k ? (stringValue(k) ?? k.text) : undefined;
      value = f(p, 'value');
    }
    if (!key || key.toLowerCase() !== 'authorization' || !value) continue;
    const t = value.text;
    // Go: an outgoing header set from a variable in a file that reads the inbound Authorization header into the context.
    const goRelay = lang === 'go' && p.type === 'call_expression' && INBOUND_GO.test(root.text) && value.type === 'identifier' && !/key|secret|service|api/i.test(t);
    const inbound = goRelay || (lang === 'ts' ? /authInfo\??\.token|\.auth\??\.token|headers\.authorization|headers\[['"]authorization['"]\]/i.test(t)
      : lang === 'py' ? /get_access_token\(\)\??\.token|access_token\.token|\btoken\.token\b|headers\[["']authorization["']\]|headers\.get\(["']authorization["']\)/i.test(t)
        : /TokenInfo|authToken|ctx\.Value|r\.Header\.Get\("Authorization"\)/i.test(t));
    if (inbound) out.sites.push({ rule: 'MCPS206', range: rangeOf(p), key: p.text.replace(/\s+/g, ' '), message: 'The caller\'s access token is forwarded to another service (token passthrough). The MCP spec forbids this: get a separate token for the upstream API (token exchange or the server\'s own credentials).' });
  }
}
