/**
 * "Create Principal Matrix", the pure part: how to launch a discovered server (from a client
 * config that runs it, or from its manifest), which scopes its handlers check (from the
 * authorization lint's facts), and the mcp-matrix.json built from the tools the running server
 * listed plus those scopes. Starting the server and calling tools/list is probe.ts.
 */
import * as path from 'node:path';
import type { FileFacts } from '../authz/facts';
import { argsFromInputSchema } from './args';
import type { MatrixConfig, MatrixPrincipal, MatrixServerConfig, MatrixToolConfig } from './types';

// ---------------------------------------------------------------------------------------
// Launch
// ---------------------------------------------------------------------------------------

/** A client config's entry, reduced to what a launch needs (values never copied unless harmless). */
export interface ConfigLaunch {
  /** The config file (absolute) and the entry's name, for the label. */
  configPath: string;
  name: string;
  transport: 'stdio' | 'http' | 'sse';
  command?: string;
  args: string[];
  cwd?: string;
  env: Array<{ key: string; value: string }>;
}

export interface ProjectForLaunch {
  /** Absolute project root. */
  root: string;
  language: 'typescript' | 'javascript' | 'python' | 'go';
  transports: Array<'stdio' | 'http' | 'sse'>;
  /** Absolute files that register tools (first one is the likely entry of small servers). */
  toolFiles: string[];
  /** package.json text (Node projects), if any. */
  packageJson?: string;
}

export interface LaunchCandidate {
  /** Shown in the quick pick: where the launch comes from. */
  label: string;
  detail: string;
  server: MatrixServerConfig;
  /** Env names of the client config not copied (values may be secrets or client-only syntax). */
  droppedEnv: string[];
}

const HARNESS_ENV: Array<[RegExp, string]> = [
  [/JWKS/i, '${jwksUri}'],
  [/ISSUER|(^|_)ISS$/i, '${issuer}'],
  [/AUDIENCE|(^|_)AUD$/i, '${audience}'],
  [/^(PORT|MCP_PORT|FASTMCP_PORT|SERVER_PORT)$/i, '${port}'],
];
const TOKEN_ENV = /(ACCESS_?TOKEN|BEARER|(^|_)TOKEN$)/i;
const DEFAULT_AUTH_ENV = { OAUTH_ISSUER: '${issuer}', OAUTH_JWKS_URL: '${jwksUri}', OAUTH_AUDIENCE: '${audience}' };
const WORKSPACE_VARS = /\$\{(workspaceFolder|workspaceRoot|workspaceFolderBasename|cwd|PWD)\}/g;

const rel = (from: string, to: string) => path.relative(from, to).split(path.sep).join('/') || '.';
const inside = (root: string, p: string) => {
  const r = path.relative(root, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

/**
 * The environment of a launch: the harness's placeholders where a name says issuer / JWKS /
 * audience / port; the token variable becomes tokenEnv; nothing else is copied (values in a
 * client config may be secrets, or `${input:…}` / `keyring://` that only the client resolves).
 */
function mapEnv(entries: ConfigLaunch['env'], http: boolean): { env: Record<string, string>; tokenEnv?: string; dropped: string[] } {
  const env: Record<string, string> = {};
  const dropped: string[] = [];
  let tokenEnv: string | undefined;
  for (const { key } of entries) {
    const placeholder = HARNESS_ENV.find(([re]) => re.test(key))?.[1];
    if (placeholder) env[key] = placeholder;
    else if (!tokenEnv && TOKEN_ENV.test(key)) tokenEnv = key;
    else dropped.push(key);
  }
  // The common OAuth variable names too, so a server that reads them finds the local issuer.
  const out: Record<string, string> = { ...DEFAULT_AUTH_ENV, ...env };
  if (http && !Object.values(out).includes('${port}')) out.PORT = '${port}';
  return { env: out, ...(tokenEnv ? { tokenEnv } : {}), dropped };
}

function httpFields(http: boolean, tokenEnv?: string): Partial<MatrixServerConfig> {
  return http ? { url: 'http://127.0.0.1:${port}/mcp' } : { tokenEnv: tokenEnv ?? 'MCP_ACCESS_TOKEN' };
}

/**
 * Client-config entries that start this project: a stdio entry whose cwd or one of whose
 * arguments (with ${workspaceFolder} resolved, relative paths from the workspace folder) lies
 * inside the project root and exists. Paths in args become relative to the project root (the
 * matrix's cwd). Entries that need the client's own variables (${input:…}, ${env:…}) are left out.
 */
export function launchesFromConfigs(
  project: ProjectForLaunch,
  folderRoot: string,
  entries: readonly ConfigLaunch[],
  exists: (absolutePath: string) => boolean,
): LaunchCandidate[] {
  const out: LaunchCandidate[] = [];
  for (const e of entries) {
    if (e.transport !== 'stdio' || !e.command) continue;
    const resolve = (v: string) => {
      const expanded = v.replace(WORKSPACE_VARS, (_, k: string) => (k === 'workspaceFolderBasename' ? path.basename(folderRoot) : folderRoot));
      return path.isAbsolute(expanded) ? expanded : path.resolve(folderRoot, expanded);
    };
    const cwd = e.cwd ? resolve(e.cwd) : undefined;
    const pathArgs = e.args.map((a) => (/^[-$]/.test(a) && !a.startsWith('${') ? undefined : resolve(a)));
    const hits = pathArgs.map((p) => p !== undefined && p !== folderRoot && inside(project.root, p) && exists(p));
    if (!(cwd && inside(project.root, cwd)) && !hits.some(Boolean)) continue;
    if ([e.command, ...e.args].some((a) => /\$\{(input|env|config|command):|keyring:\/\//.test(a))) continue;
    const args = e.args.map((a, i) => (hits[i] ? rel(project.root, pathArgs[i]!) : a.replace(WORKSPACE_VARS, () => rel(project.root, folderRoot))));
    const { env, tokenEnv, dropped } = mapEnv(e.env, false);
    out.push({
      label: `${e.name} (${rel(folderRoot, e.configPath)})`,
      detail: [e.command, ...args].join(' '),
      server: { transport: 'stdio', command: e.command, args, cwd: rel(folderRoot, project.root), env, ...httpFields(false, tokenEnv), startupTimeoutMs: 15000 },
      droppedEnv: dropped,
    });
  }
  return out;
}

/** Splits a package.json script into words; undefined when it uses the shell (&&, |, >, $VAR…). */
function scriptWords(script: string): string[] | undefined {
  if (/[&|;<>`$()]/.test(script)) return undefined;
  const words = script.trim().split(/\s+/).filter(Boolean);
  return words.length ? words : undefined;
}

/**
 * Launches read from the project itself: package.json scripts (start / dev / serve, with
 * `tsx watch` made a one-shot `tsx`); without one, the file that registers the tools (node /
 * tsx / python); for Go, `go run .`.
 */
export function launchesFromManifest(project: ProjectForLaunch, folderRoot: string, exists: (absolutePath: string) => boolean = () => true): LaunchCandidate[] {
  const out: LaunchCandidate[] = [];
  const cwd = rel(folderRoot, project.root);
  const add = (label: string, command: string, args: string[], transport: 'stdio' | 'http') => {
    const http = transport === 'http';
    const { env } = mapEnv(http ? [{ key: 'PORT', value: '' }] : [], http);
    if (project.language === 'python' && http) Object.assign(env, { FASTMCP_PORT: '${port}', FASTMCP_HOST: '127.0.0.1' });
    const server: MatrixServerConfig = { transport, command, args, cwd, env, ...httpFields(http), startupTimeoutMs: 15000 };
    if (!out.some((c) => c.detail === [command, ...args].join(' '))) out.push({ label, detail: [command, ...args].join(' '), server, droppedEnv: [] });
  };
  const transportFor = (entry: string): 'stdio' | 'http' => {
    const t = project.transports;
    if (t.length === 1) return t[0] === 'stdio' ? 'stdio' : 'http';
    return /http|sse|web/i.test(entry) || !t.includes('stdio') ? 'http' : 'stdio';
  };
  if (project.packageJson) {
    let pkg: { scripts?: Record<string, string> } = {};
    try {
      pkg = JSON.parse(project.packageJson) as typeof pkg;
    } catch { /* unreadable manifest: fall through to the tools file */ }
    for (const name of ['start', 'start:stdio', 'start:http', 'dev', 'serve']) {
      const script = pkg.scripts?.[name];
      const words = script ? scriptWords(script) : undefined;
      if (!words || !/^(node|tsx|ts-node)$/.test(words[0]!)) continue;
      const args = words.slice(1).filter((w, i) => !(words[0] === 'tsx' && i === 0 && w === 'watch') && w !== '--watch');
      const entry = args.find((a) => /\.(c|m)?(j|t)s$/.test(a)) ?? '';
      // `node dist/http.js` before a build: not a launch that works now.
      if (entry && !exists(path.resolve(project.root, entry))) continue;
      add(`npm script "${name}" (package.json)`, words[0]!, args, transportFor(entry));
    }
  }
  // The file that registers the tools is often not the entry point (a createServer() module):
  // only a fallback.
  const entry = out.length === 0 ? project.toolFiles[0] : undefined;
  if (entry) {
    const file = rel(project.root, entry);
    if (project.language === 'python') add(`${file} (the file that registers the tools)`, 'python3', [file], transportFor(file));
    else if (project.language === 'typescript') add(`${file} (the file that registers the tools)`, 'node', ['--import', 'tsx', file], transportFor(file));
    else if (project.language === 'javascript') add(`${file} (the file that registers the tools)`, 'node', [file], transportFor(file));
  }
  if (project.language === 'go') add('go run . (the module)', 'go', ['run', '.'], transportFor(''));
  return out;
}

// ---------------------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------------------

const STRING_LITERAL = /(["'`])((?:\\.|(?!\1)[^\\\n])*)\1/g;
const SCOPE_SHAPED = /^[A-Za-z][\w-]*(?:[:./][\w*-]+)+$|^https?:\/\/\S+$/;
const AUTH_CALL = /scope|auth|perm|role|require|check|ensure|allow|grant|access|can_?/i;

/**
 * Scope strings in snippets of authorization code (a check's condition, a guard call, a
 * decorator, a wrapper): string literals shaped like scopes (`notes:read`, `repo.write`,
 * `https://…/auth/drive`), or any word-like literal where the snippet talks about scopes.
 * The snippets come from the parser's facts (exact node ranges), not from scanning files.
 */
export function scopesInSnippets(snippets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of snippets) {
    const aboutScopes = /scope/i.test(s);
    for (const m of s.matchAll(STRING_LITERAL)) {
      const v = m[2]!;
      if (v.length < 2 || v.length > 120 || /\s|\$\{|\{/.test(v)) continue;
      if (SCOPE_SHAPED.test(v) || (aboutScopes && /^[\w:./*-]+$/.test(v))) out.add(v);
    }
  }
  return [...out];
}

/** Per tool, the scopes its handler's checks name (from the lint's facts of each file and the file's text). */
export function toolScopesFromFacts(files: ReadonlyArray<{ facts: FileFacts; text: string }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { facts, text } of files) {
    const slice = (r: { start: { offset: number }; end: { offset: number } }) => text.slice(r.start.offset, r.end.offset);
    for (const t of facts.tools) {
      const snippets: string[] = [];
      for (const c of t.body?.checks ?? []) if (c.kind !== 'client-identity') snippets.push(c.text);
      for (const g of t.body?.guardCalls ?? []) if (AUTH_CALL.test(g.name)) snippets.push(slice(g.range));
      for (const w of [...t.wrappers, ...t.decoratorsBelow]) snippets.push(slice(w.range));
      if (t.frameworkAuth) snippets.push(t.frameworkAuth.text);
      const scopes = scopesInSnippets(snippets);
      if (scopes.length) out[t.name] = [...new Set([...(out[t.name] ?? []), ...scopes])];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Principals and the document
// ---------------------------------------------------------------------------------------

const READ_SCOPE = /(^|[:._/-])(read|reader|view|list|get|search|query|readonly|read_only|ro)([:._/-]|$)/i;
const ADMIN_SCOPE = /(^|[:._/-])(admin|manage|owner|root|superuser|all|\*)([:._/-]|$)/i;
const READ_TOOL = /^(list|get|read|search|fetch|find|show|describe|query|lookup|view)(_|-|[A-Z]|$)/;
const ADMIN_TOOL = /^(delete|remove|drop|purge|destroy|admin|run|exec|execute|reset|wipe|shutdown|kill)(_|-|[A-Z]|$)/;

export interface ProposedPrincipals {
  principals: Record<string, MatrixPrincipal>;
  /** How they were made, for the file's header. */
  basis: string;
}

/**
 * readonly / user / admin from the scopes found: readonly holds the read-like scopes, user
 * those plus the other non-admin ones, admin all of them (and `role: admin`). Without scopes
 * the three differ by a `role` claim only.
 */
export function proposePrincipals(scopes: readonly string[]): ProposedPrincipals {
  const sorted = [...new Set(scopes)].sort();
  if (sorted.length === 0) {
    return {
      principals: {
        readonly: { sub: 'matrix-readonly', scopes: [], claims: { role: 'readonly' } },
        user: { sub: 'matrix-user', scopes: [], claims: { role: 'user' } },
        admin: { sub: 'matrix-admin', scopes: [], claims: { role: 'admin' } },
      },
      basis: 'no scope strings were found in the authorization checks: readonly / user / admin differ by a "role" claim only',
    };
  }
  const admin = sorted.filter((s) => ADMIN_SCOPE.test(s));
  const read = sorted.filter((s) => !admin.includes(s) && READ_SCOPE.test(s));
  const write = sorted.filter((s) => !admin.includes(s) && !read.includes(s));
  return {
    principals: {
      readonly: { sub: 'matrix-readonly', scopes: read, claims: { role: 'readonly' } },
      user: { sub: 'matrix-user', scopes: [...read, ...write], claims: { role: 'user' } },
      admin: { sub: 'matrix-admin', scopes: sorted, claims: { role: 'admin' } },
    },
    basis: `scopes found in the authorization checks: ${sorted.join(', ')}`,
  };
}

/** A tool as the running server listed it (tools/list). */
export interface ListedTool {
  name: string;
  inputSchema?: unknown;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

export interface ScaffoldInput {
  server: MatrixServerConfig;
  tools: readonly ListedTool[];
  /** Per tool, the scopes its checks name (toolScopesFromFacts). */
  toolScopes?: Record<string, string[]>;
  /** Where the launch came from, and the project (for the header). */
  launchLabel: string;
  projectLabel: string;
  droppedEnv?: string[];
  /** Tools the source registers that the running server did not list. */
  notListed?: string[];
  /** The tools come from the source, not from a running server (it could not be started). */
  staticOnly?: string;
}

/**
 * Who may call a tool: the principals whose scopes cover every scope its checks name; with no
 * scope found, by the tool's annotations or name (read-like → everyone, destructive or
 * admin-like → admin, otherwise user and admin).
 */
function allowFor(tool: ListedTool, required: readonly string[] | undefined, principals: Record<string, MatrixPrincipal>): string[] {
  if (required?.length) {
    const allowed = Object.entries(principals).filter(([, p]) => required.every((s) => p.scopes?.includes(s))).map(([n]) => n);
    if (allowed.length) return allowed;
  }
  const names = Object.keys(principals);
  if (tool.annotations?.readOnlyHint || (!tool.annotations?.destructiveHint && READ_TOOL.test(tool.name))) return names;
  if (tool.annotations?.destructiveHint || ADMIN_TOOL.test(tool.name)) return names.filter((n) => n === 'admin');
  return names.filter((n) => n !== 'readonly');
}

export function buildMatrixConfig(input: ScaffoldInput): { config: MatrixConfig; basis: string } {
  const scopes = Object.values(input.toolScopes ?? {}).flat();
  const { principals, basis } = proposePrincipals(scopes);
  const tools: Record<string, MatrixToolConfig> = {};
  for (const t of input.tools) {
    tools[t.name] = { args: argsFromInputSchema(t.inputSchema), allow: allowFor(t, input.toolScopes?.[t.name], principals) };
  }
  return { config: { server: input.server, principals, tools }, basis };
}

/** The mcp-matrix.json text: a comment header saying where each part came from, then the JSON. */
export function buildMatrixDocument(input: ScaffoldInput): string {
  const { config, basis } = buildMatrixConfig(input);
  const header = [
    `Principal matrix for ${input.projectLabel}, written by MCP Secure. Review it: the expectations are proposals.`,
    input.staticOnly
      ? `Tools: found in the source (${input.staticOnly}); arguments are empty, fill them in.`
      : `Tools: listed by the running server; example arguments from each tool's input schema.`,
    `Server: ${input.launchLabel}.`,
    ...(input.droppedEnv?.length ? [`Not copied from the client config (may be secrets): ${input.droppedEnv.join(', ')}. Add test values if the server needs them.`] : []),
    ...(input.notListed?.length ? [`Registered in the source but not listed by the server: ${input.notListed.join(', ')}.`] : []),
    `Principals: ${basis}.`,
    'Allow lists: principals holding every scope a tool checks; with none found, by annotations or name.',
    'The built-in hostile principals (anonymous, expired, wrong-audience, wrong-issuer, bad-signature,',
    'alg-none) always run and must be denied every non-public tool.',
  ];
  return [...header.map((l) => `// ${l}`), JSON.stringify(config, null, 2), ''].join('\n');
}
