/**
 * Authorization lint over server projects: per-file facts (one parse per file, through
 * `withSourceFacts`), then per-tool verdicts resolved across the project's files
 * (handlers and helpers in other files), then findings with the DESIGN severity policy.
 *
 * A full run caches every file's plain facts per project, so `lintAuthorizationDocument`
 * re-parses only the edited file and resolves against the cached siblings.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Finding, FindingSeverity, ServerProject, SourceRange } from '../model';
import { languageForFile } from '../parse/treeSitter';
import { releaseDocumentTree, withSourceFacts } from '../projects/source';
import { projectStrings, stringsKeyFor, withFileStrings, type ProjectStrings } from '../projects/exportedStrings';
import { extractFileFacts, type FileFacts, type FnSummary, type Op, type ToolFacts } from './facts';
import { AUTH_HELPER_NAMES, isUnambiguousAuthPredicate, normalizeName } from './tables';

export interface AuthzSettings { authorizationFunctions: string[] }

export type Verdict = 'protected' | 'unprotected' | 'unknown';

export interface ToolVerdict {
  tool: string;
  file: string;
  range: SourceRange;
  verdict: Verdict;
  reason: string;
  /** Rule ids reported for the tool (empty when protected). */
  rules: string[];
}

export interface LintAuthorizationInput {
  root: string;
  servers: ServerProject[];
  readFile: (p: string) => Promise<string | undefined>;
  settings: AuthzSettings;
}

export interface LintAuthorizationResult { findings: Finding[]; verdicts: ToolVerdict[] }

/**
 * Plain facts of a project's files from the last full run (keyed by project root). `light`:
 * files whose facts were read light (the project registers no tool), with what the full run
 * read them with, so the keystroke path can complete them once a tool appears.
 */
interface ProjectCache { root: string; files: Map<string, FileFacts>; strings?: ProjectStrings; light?: Map<string, LightSource> }
interface LightSource { text: string; project: ServerProject; helpers: ReadonlySet<string>; strings: ProjectStrings | undefined }

/**
 * Facts read light: no function summaries except possible tool-call middleware. Only a project
 * with no tool and no tool middleware keeps them (nothing else reads a summary there).
 */
const LIGHT = new WeakSet<FileFacts>();

/** Text that looks like a tool registration (only orders the files of a full run). */
const REGISTERS = /\.\s*(?:tool|registerTool|registerToolTask|addTool|addTools|setRequestHandler)\s*\(|\b(?:add_tool|AddTool|MCPTool|list_tools|call_tool)\b|@[\w.]*\btool\b/;
const CACHE = new Map<string, ProjectCache>();

/**
 * Plain facts per file for the exact text, framework and helper settings they came
 * from: a full run re-extracts only files that changed since the last one. Bounded: cleared
 * when it grows past the limit.
 */
const FILE_FACTS = new Map<string, { text: string; key: string; facts: FileFacts }>();
const FILE_FACTS_LIMIT = 20_000;

/** Forget cached project facts and kept document trees (tests, workspace changes). */
export function clearAuthorizationCache(): void {
  CACHE.clear();
  FIX_STATE.clear();
  FILE_FACTS.clear();
  releaseDocumentTree();
}

/** Fix anchors for the findings of the last lint of each file: used by `authzFixes`. */
export const FIX_STATE = new Map<string, { text: string; facts: FileFacts; project: ServerProject }>();

/** The facts and text of a file from the last lint that saw it (scopes for a matrix scaffold, fixes). */
export function lastFileFacts(file: string): { facts: FileFacts; text: string } | undefined {
  const state = FIX_STATE.get(file);
  return state ? { facts: state.facts, text: state.text } : undefined;
}

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * One file's facts. `document`: an open document being edited — its tree is kept so the next
 * version parses incrementally, and `previous` facts let unchanged tools be reused.
 */
async function fileFacts(file: string, text: string, project: ServerProject, helpers: ReadonlySet<string>, document: { previous?: FileFacts } | undefined, importedStrings: ProjectStrings | undefined, light = false): Promise<FileFacts | undefined> {
  const language = languageForFile(file);
  if (!language) return undefined;
  const key = `${project.framework}\u0000${[...helpers].sort().join(',')}\u0000${stringsKeyFor(file, text, importedStrings)}`;
  const known = FILE_FACTS.get(file);
  if (known && known.key === key && known.text === text && (light || !LIGHT.has(known.facts))) return known.facts;
  let facts: FileFacts | undefined;
  try {
    facts = await withSourceFacts(file, text, (nodes, tree) => {
      // A file that registers a tool is always read in full.
      const lightHere = light && document === undefined && nodes.registrations.length === 0;
      const out = extractFileFacts({ file, text, language, framework: project.framework, helpers, previous: document?.previous, light: lightHere }, nodes, tree.rootNode);
      if (lightHere) LIGHT.add(out);
      return out;
    }, { framework: project.framework, keepTree: document !== undefined, importedStrings });
  } catch {
    facts = undefined;
  }
  if (facts) {
    if (FILE_FACTS.size >= FILE_FACTS_LIMIT) FILE_FACTS.clear();
    FILE_FACTS.set(file, { text, key, facts });
  }
  return facts;
}

export async function lintAuthorization(input: LintAuthorizationInput): Promise<LintAuthorizationResult> {
  const findings: Finding[] = [];
  const verdicts: ToolVerdict[] = [];
  const helpers = settingsHelpers(input.settings);
  for (const project of input.servers) {
    const files = new Map<string, FileFacts>();
    const texts = new Map<string, string>();
    const read: Array<[string, string]> = [];
    for (const file of project.sources) {
      let text: string | undefined;
      try { text = await input.readFile(file); } catch { text = undefined; }
      if (text !== undefined) read.push([file, text]);
    }
    // Tool names may be string constants exported by a sibling module.
    const strings = project.language === 'python' || project.language === 'go' ? undefined : projectStrings(read);
    // Function summaries matter only to tools and tool middleware: files are read light until
    // one registers a tool (then the rest in full, and the light ones again at the end). Files
    // that look like they register tools go first, so a server project rarely reads one twice.
    const order = read.map((_, i) => i);
    order.sort((x, y) => Number(REGISTERS.test(read[y]![1])) - Number(REGISTERS.test(read[x]![1])) || x - y);
    const got = new Map<string, FileFacts>();
    let needsSummaries = false;
    for (const i of order) {
      const [file, text] = read[i]!;
      const facts = await fileFacts(file, text, project, helpers, undefined, strings, !needsSummaries);
      if (!facts) continue;
      got.set(file, facts);
      if (facts.tools.length > 0 || facts.toolMiddleware.length > 0) needsSummaries = true;
    }
    const light = new Map<string, LightSource>();
    for (const [file, text] of read) {
      let facts = got.get(file);
      if (facts && LIGHT.has(facts)) {
        if (needsSummaries) facts = await fileFacts(file, text, project, helpers, undefined, strings);
        else light.set(file, { text, project, helpers, strings });
      }
      if (facts) { files.set(file, facts); texts.set(file, text); }
    }
    CACHE.set(project.root, { root: input.root, files, strings, light });
    const result = lintProject(input.root, project, files, helpers, undefined);
    findings.push(...result.findings);
    verdicts.push(...result.verdicts);
    for (const [file, facts] of files) FIX_STATE.set(file, { text: texts.get(file)!, facts, project });
  }
  return { findings, verdicts };
}

/** Re-lints one open document against the cached facts of its project's other files. */
export async function lintAuthorizationDocument(file: string, text: string, project: ServerProject, settings: AuthzSettings): Promise<Finding[]> {
  return (await lintAuthorizationDocumentDetailed(file, text, project, settings)).findings;
}

/** The same, with the verdicts of the document's tools (for a live tree view). */
export async function lintAuthorizationDocumentDetailed(file: string, text: string, project: ServerProject, settings: AuthzSettings): Promise<LintAuthorizationResult> {
  const helpers = settingsHelpers(settings);
  const cached = CACHE.get(project.root);
  if (cached?.light && cached.light.size > 0) {
    // The document may now register a tool: complete the light siblings as the full run would have read them.
    for (const [f, src] of cached.light) {
      if (f === file) continue;
      const full = await fileFacts(f, src.text, src.project, src.helpers, undefined, src.strings);
      if (!full) continue;
      cached.files.set(f, full);
      const state = FIX_STATE.get(f);
      if (state && LIGHT.has(state.facts) && state.text === src.text) FIX_STATE.set(f, { text: src.text, facts: full, project: src.project });
    }
    cached.light.clear();
  }
  const files = new Map(cached?.files ?? []);
  const previous = FIX_STATE.get(file);
  const strings = withFileStrings(cached?.strings, file, text);
  if (cached) cached.strings = strings;
  const facts = await fileFacts(file, text, project, helpers, { previous: previous?.project.root === project.root ? previous.facts : cached?.files.get(file) }, strings);
  if (facts) files.set(file, facts); else files.delete(file);
  if (cached && facts) cached.files.set(file, facts);
  if (facts) FIX_STATE.set(file, { text, facts, project });
  return lintProject(cached?.root ?? project.root, project, files, helpers, file);
}

function settingsHelpers(settings: AuthzSettings): Set<string> {
  return new Set(settings.authorizationFunctions ?? []);
}

// ---------------------------------------------------------------------------------------

interface ProjectIndex {
  functions: Map<string, FnSummary[]>;
  helpers: ReadonlySet<string>;
  exposed: boolean;
  toolMiddleware: boolean;
  restrictedTags: string[];
  fastmcpAuthenticate: boolean;
}

function buildIndex(project: ServerProject, files: Map<string, FileFacts>, helpers: ReadonlySet<string>): ProjectIndex {
  const functions = new Map<string, FnSummary[]>();
  for (const facts of files.values()) for (const fn of facts.functions) {
    const list = functions.get(fn.name) ?? [];
    list.push(fn);
    functions.set(fn.name, list);
  }
  const index: ProjectIndex = {
    functions, helpers,
    exposed: project.transports.includes('http') || project.transports.includes('sse') || [...files.values()].some((f) => f.httpTransport !== undefined),
    toolMiddleware: false, restrictedTags: [], fastmcpAuthenticate: false,
  };
  for (const facts of files.values()) {
    index.restrictedTags.push(...facts.restrictedTags);
    if (facts.fastmcpAuthenticate) index.fastmcpAuthenticate = true;
    for (const mw of facts.toolMiddleware) if (checksFn(index, mw, 0) === 'check') index.toolMiddleware = true;
    for (const fn of facts.functions) if (fn.toolScopeMiddleware) index.toolMiddleware = true;
    // A middleware class whose `on_call_tool` checks (FastMCP 2 custom middleware).
  }
  for (const facts of files.values()) for (const fn of facts.functions) {
    if ((fn.name === 'on_call_tool') && fn.anyCheck && facts.toolMiddleware.length > 0) index.toolMiddleware = true;
  }
  return index;
}

/** Does calling `name` authorize the caller? Resolves project functions (transitively) and names. */
function checksFn(index: ProjectIndex, name: string, depth: number): 'check' | 'fail-open' | 'client-identity' | undefined {
  if (index.helpers.has(name)) return 'check';
  const defs = index.functions.get(name);
  if (defs && depth < 4) {
    for (const d of defs) {
      if (d.anyCheck && !d.anyFailOpen) return 'check';
      if (d.anyFailOpen) return 'fail-open';
      if (d.anyClientIdentity) return 'client-identity';
      for (const c of new Set(d.body.calls)) {
        if (c === name) continue;
        const r = checksFn(index, c, depth + 1);
        if (r) return r;
      }
    }
    return undefined;
  }
  if (!defs && AUTH_HELPER_NAMES.has(normalizeName(name))) return 'check';
  return undefined;
}

function opsOf(index: ProjectIndex, calls: string[], own: Op[], depth: number, file: string): Array<Op & { file: string }> {
  const out: Array<Op & { file: string }> = own.map((o) => ({ ...o, file }));
  if (depth > 2) return out;
  for (const c of new Set(calls)) {
    for (const d of index.functions.get(c) ?? []) {
      if (d.anyCheck) continue;
      out.push(...opsOf(index, d.body.calls.filter((x) => x !== c), d.body.ops, depth + 1, d.file));
    }
  }
  return out;
}

interface Decision {
  verdict: Verdict;
  rule?: 'MCPS201' | 'MCPS202' | 'MCPS203' | 'MCPS204' | 'MCPS208';
  reason: string;
  related: Array<{ file: string; range: SourceRange; message: string }>;
}

function decide(index: ProjectIndex, facts: FileFacts, tool: ToolFacts): Decision {
  const rel: Decision['related'] = [];
  // Framework options.
  if (tool.frameworkAuth?.option === 'auth') return { verdict: 'protected', reason: '`auth=` on the tool registration', related: rel };
  if (tool.frameworkAuth?.option === 'canAccess') {
    if (index.fastmcpAuthenticate && index.exposed) return { verdict: 'protected', reason: '`canAccess` with an `authenticate` server option', related: rel };
    return {
      verdict: 'unprotected', rule: 'MCPS208',
      reason: index.fastmcpAuthenticate ? '`canAccess` is never evaluated on a stdio-only server' : '`canAccess` is never evaluated: the FastMCP server has no `authenticate` option',
      related: [{ file: facts.file, range: tool.frameworkAuth.range, message: 'This `canAccess` only runs when sessions are authenticated.' }],
    };
  }
  if (tool.frameworkAuth?.option === 'tags' && index.restrictedTags.some((t) => t === '*' || tool.frameworkAuth!.text.includes(`"${t}"`) || tool.frameworkAuth!.text.includes(`'${t}'`))) {
    return { verdict: 'protected', reason: 'tag restricted by `AuthMiddleware`', related: rel };
  }
  if (index.restrictedTags.includes('*')) return { verdict: 'protected', reason: '`AuthMiddleware` on the server', related: rel };
  if (index.toolMiddleware) return { verdict: 'protected', reason: 'tool-call middleware checks scopes', related: rel };
  if (tool.conditionalOnPrincipal) return { verdict: 'protected', reason: 'registered only for authorized principals', related: rel };

  // Python decorators.
  for (const d of tool.decoratorsBelow) {
    const r = checksFn(index, d.name, 0) ?? (isUnambiguousAuthPredicate(d.name) ? 'check' : undefined);
    if (r === 'check') return { verdict: 'protected', reason: `decorator \`@${d.name}\``, related: rel };
    if (r === 'fail-open') return { verdict: 'unprotected', rule: 'MCPS202', reason: `\`@${d.name}\` lets calls without a token through`, related: [{ file: facts.file, range: d.range, message: `\`@${d.name}\` passes when the token is missing.` }] };
  }
  for (const d of tool.decoratorsAbove) {
    const r = checksFn(index, d.name, 0) ?? (AUTH_HELPER_NAMES.has(normalizeName(d.name)) ? 'check' : undefined);
    if (r === 'check') {
      return {
        verdict: 'unprotected', rule: 'MCPS203', reason: `\`@${d.name}\` sits above the tool decorator and never runs on calls`,
        related: [{ file: facts.file, range: d.range, message: `\`@${d.name}\` wraps the function after it was registered; move it below the tool decorator.` }],
      };
    }
  }
  // Wrappers: `requireScopes([...], handler)`.
  for (const w of tool.wrappers) {
    const r = checksFn(index, w.name, 0) ?? (isUnambiguousAuthPredicate(w.name) ? 'check' : undefined);
    if (r === 'check') return { verdict: 'protected', reason: `wrapped by \`${w.name}\``, related: rel };
    if (r === 'fail-open') return { verdict: 'unprotected', rule: 'MCPS202', reason: `\`${w.name}\` lets calls without a token through`, related: [{ file: facts.file, range: w.range, message: 'This wrapper passes when the token is missing.' }] };
  }
  // Handler by reference in another file.
  let body = tool.body;
  let bodyFile = facts.file;
  if (!body && tool.handlerRef) {
    const defs = index.functions.get(tool.handlerRef);
    if (defs && defs[0]) {
      const d = defs[0];
      body = d.body;
      bodyFile = d.file;
    } else {
      return { verdict: 'unknown', reason: `handler \`${tool.handlerRef}\` is not defined in the project`, related: rel };
    }
  }
  if (!body) return { verdict: 'unknown', reason: 'handler not found', related: rel };

  const firstOp = body.ops[0];
  const before = (range: SourceRange): boolean => !firstOp || bodyFile !== facts.file || range.start.offset <= firstOp.range.start.offset || firstOp.range.start.offset < 0;
  const checks = body.checks.filter((c) => before(c.range));
  if (checks.some((c) => c.kind === 'check')) return { verdict: 'protected', reason: 'checks the caller\'s token and denies', related: rel };
  for (const g of body.guardCalls) {
    if (!before(g.range)) continue;
    const r = checksFn(index, g.name, 0);
    if (r === 'check') return { verdict: 'protected', reason: `calls \`${g.name}\``, related: rel };
    if (r === 'fail-open') return { verdict: 'unprotected', rule: 'MCPS202', reason: `\`${g.name}\` passes when the token is missing`, related: [{ file: bodyFile, range: g.range, message: `\`${g.name}\` lets calls without a token through.` }] };
    if (r === 'client-identity') return { verdict: 'unprotected', rule: 'MCPS204', reason: `\`${g.name}\` decides on client-controlled data`, related: [{ file: bodyFile, range: g.range, message: 'This check reads identity the client controls.' }] };
  }
  const failOpen = checks.find((c) => c.kind === 'fail-open');
  if (failOpen) return { verdict: 'unprotected', rule: 'MCPS202', reason: 'the check passes when there is no token', related: [{ file: bodyFile, range: failOpen.range, message: `\`${shorten(failOpen.text)}\` is false when the token is missing, so anonymous calls get through.` }] };
  const client = checks.find((c) => c.kind === 'client-identity');
  if (client) return { verdict: 'unprotected', rule: 'MCPS204', reason: 'the check reads identity from client-controlled data', related: [{ file: bodyFile, range: client.range, message: `\`${shorten(client.text)}\` trusts data the client sends (tool arguments or _meta), not the verified token.` }] };
  if (tool.handlerUnresolved) return { verdict: 'unknown', reason: 'handler not found', related: rel };
  return { verdict: 'unprotected', rule: 'MCPS201', reason: 'no authorization check before the tool\'s work', related: rel };
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

/** Fingerprints already computed (the keystroke path asks for the same ones on every re-lint). */
const FINGERPRINTS = new Map<string, string>();

export function authzFingerprint(rule: string, root: string, file: string, tool: string): string {
  const key = `${rule}\0${root}\0${file}\0${tool}`;
  let fingerprint = FINGERPRINTS.get(key);
  if (fingerprint === undefined) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    fingerprint = createHash('sha256').update(`${rule}\0${rel}\0${tool}`).digest('hex').slice(0, 32);
    if (FINGERPRINTS.size >= 50_000) FINGERPRINTS.clear();
    FINGERPRINTS.set(key, fingerprint);
  }
  return fingerprint;
}

const RULE_TEXT: Record<string, (tool: string) => string> = {
  MCPS201: (t) => `Tool '${t}' runs without an authorization check.`,
  MCPS202: (t) => `Tool '${t}' has a fail-open authorization check: it passes when the caller sends no token.`,
  MCPS203: (t) => `Tool '${t}': the authorization decorator is above the tool decorator, so it never runs when the tool is called.`,
  MCPS204: (t) => `Tool '${t}' authorizes on client-controlled identity (tool arguments or request _meta).`,
  MCPS208: (t) => `Tool '${t}' relies on 'canAccess', which this server never evaluates.`,
};

const FIX_TEXT: Record<string, string> = {
  MCPS201: 'Check the caller\'s scopes from the SDK\'s auth object (or call the project\'s authorization helper) as the first statement, and deny when it fails; or suppress with a reason if the tool is meant to be public.',
  MCPS202: 'Deny when the token is missing too: test for its absence first (`!auth || !auth.scopes.includes(...)`).',
  MCPS203: 'Move the authorization decorator below the tool decorator, so the registered function is the wrapped one.',
  MCPS204: 'Decide on the verified token (authInfo / get_access_token() / TokenInfo), not on values the client sends.',
  MCPS208: 'Give the FastMCP server an `authenticate` function and an HTTP transport, or check `context.session` inside `execute`.',
};

function severityFor(index: ProjectIndex, destructive: boolean): FindingSeverity {
  if (!index.exposed) return 'info';
  return destructive ? 'error' : 'warning';
}

function lintProject(root: string, project: ServerProject, files: Map<string, FileFacts>, helpers: ReadonlySet<string>, onlyFile: string | undefined): LintAuthorizationResult {
  const index = buildIndex(project, files, helpers);
  const findings: Finding[] = [];
  const verdicts: ToolVerdict[] = [];
  for (const facts of files.values()) {
    if (onlyFile && facts.file !== onlyFile) continue;
    for (const tool of facts.tools) {
      const d = decide(index, facts, tool);
      verdicts.push({ tool: tool.name, file: facts.file, range: tool.nameRange, verdict: d.verdict, reason: d.reason, rules: d.rule ? [d.rule] : [] });
      if (!d.rule) continue;
      const ops = tool.body ? opsOf(index, tool.body.calls, tool.body.ops, 0, facts.file)
        : tool.handlerRef ? (index.functions.get(tool.handlerRef) ?? []).slice(0, 1).flatMap((fn) => opsOf(index, fn.body.calls, fn.body.ops, 0, fn.file)) : [];
      const destructiveOp = ops.find((o) => o.kind !== 'send') ?? ops[0];
      const destructive = tool.annotations.destructive === true || (ops.length > 0 && tool.annotations.readOnly !== true);
      const related = [...d.related];
      if (destructiveOp) related.push({ file: destructiveOp.file, range: destructiveOp.range, message: `Sensitive operation: ${destructiveOp.label} (${destructiveOp.kind}).` });
      if (d.rule === 'MCPS201') {
        const at = tool.expectedAt ?? (tool.handlerRef ? (index.functions.get(tool.handlerRef)?.[0]?.range) : undefined) ?? tool.registrationRange;
        const atFile = tool.expectedAt ? facts.file : tool.handlerRef ? (index.functions.get(tool.handlerRef)?.[0]?.file ?? facts.file) : facts.file;
        related.push({ file: atFile, range: at, message: 'An authorization check was expected here, before the tool does its work.' });
      }
      const exposure = index.exposed ? 'The server is reachable over HTTP.' : 'The server is stdio-only, so callers take credentials from the environment (informational).';
      findings.push({
        ruleId: d.rule, category: 'authz', severity: d.rule === 'MCPS208' || d.rule === 'MCPS203' || d.rule === 'MCPS202' ? (index.exposed ? (destructive ? 'error' : 'warning') : 'info') : severityFor(index, destructive),
        file: facts.file, range: tool.nameRange, tool: tool.name,
        message: `${RULE_TEXT[d.rule]!(tool.name)}${destructiveOp ? ` It performs ${destructiveOp.label}.` : ''} ${exposure} ${FIX_TEXT[d.rule]}`,
        related, fingerprint: authzFingerprint(d.rule, root, facts.file, tool.name),
      });
    }
    // File-level rules.
    for (const site of facts.sites) {
      findings.push({
        ruleId: site.rule, category: 'authz', severity: site.rule === 'MCPS206' ? (index.exposed ? 'error' : 'warning') : (index.exposed ? 'error' : 'warning'),
        file: facts.file, range: site.range, message: site.message, fingerprint: authzFingerprint(site.rule, root, facts.file, site.key),
      });
    }
    if (facts.httpTransport && !index.toolMiddleware && ![...files.values()].some((f) => f.authnEvidence)) {
      findings.push({
        ruleId: 'MCPS207', category: 'authz', severity: 'warning', file: facts.file, range: facts.httpTransport,
        message: 'This MCP server is served over HTTP with no authentication in front of it: any client that can reach it can call every tool. Add bearer-token middleware (e.g. `requireBearerAuth`, FastMCP `auth=`, `auth.RequireBearerToken`).',
        fingerprint: authzFingerprint('MCPS207', root, facts.file, 'http'),
      });
    }
  }
  return { findings, verdicts };
}
