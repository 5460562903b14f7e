/**
 * Tables the authorization linter reads: where each SDK keeps the caller's identity, which
 * calls do sensitive work, which names are authorization helpers, which values come from
 * the client. Decisions are made on syntax nodes; these tables only name things.
 */
import type { SourceLanguage } from '../parse/treeSitter';

export type Lang = 'ts' | 'py' | 'go';

export function langOf(language: SourceLanguage): Lang {
  return language === 'python' ? 'py' : language === 'go' ? 'go' : 'ts';
}

/**
 * Identifier / property names whose value is the verified principal (server-side): a
 * condition reading one of them is an authorization check.
 */
export const AUTH_SOURCES: Readonly<Record<Lang, ReadonlySet<string>>> = {
  // v1 `extra.authInfo`, v2 `ctx.http?.authInfo`, express `req.auth`, fastmcp `context.session`, agents `this.props`.
  ts: new Set(['authInfo', 'auth', 'session', 'scopes', 'scope', 'claims', 'roles', 'role', 'permissions', 'principal', 'props', 'user', 'token', 'accessToken']),
  // `get_access_token()`, FastMCP 3 `CurrentAccessToken()`, `request.state.auth`, `request.user`.
  py: new Set(['get_access_token', 'access_token', 'token', 'scopes', 'claims', 'roles', 'role', 'permissions', 'principal', 'user', 'auth', 'CurrentAccessToken', 'TokenClaim']),
  // go-sdk `req.Extra.TokenInfo`, `auth.TokenInfoFromContext(ctx)`; mcp-go context values.
  go: new Set(['TokenInfo', 'TokenInfoFromContext', 'Scopes', 'Claims', 'UserID', 'claims', 'scopes', 'token', 'principal', 'user', 'auth']),
};

/** Values the client controls: never evidence of who the caller is. */
export const CLIENT_CONTROLLED: Readonly<Record<Lang, ReadonlySet<string>>> = {
  ts: new Set(['_meta', 'userId', 'user_id', 'isAdmin', 'is_admin', 'role', 'roles', 'username', 'clientId', 'client_id', 'apiKey', 'access_token', 'accessToken']),
  py: new Set(['_meta', 'meta', 'client_id', 'user_id', 'userId', 'is_admin', 'role', 'roles', 'username', 'mcp_access_token', 'access_token', 'api_key']),
  go: new Set(['_meta', 'Meta', 'user_id', 'userId', 'role', 'is_admin', 'GetArguments', 'GetString']),
};

/**
 * Function names that are authorization helpers wherever they come from (libraries such as
 * auth0's `requireScopes`, fastmcp's `requireScopes`, project helpers). Compared lower-case
 * with underscores removed. A project's own function with a deny-on-failure check counts too.
 * Not here: `isToolAllowed` (Sentry passes the granted skills, mcp-server-kubernetes reads an
 * operator allow-list from the environment), so it counts only with the principal as input.
 */
export const AUTH_HELPER_NAMES: ReadonlySet<string> = new Set([
  'requirescope', 'requirescopes', 'requiretoolscope', 'requirewritescope', 'requireauth', 'requireauthorization',
  'requirerole', 'requireroles', 'requirepermission', 'requirepermissions', 'requireall', 'requireany',
  'guardscope', 'assertscope', 'assertscopes', 'assertauthorized', 'assertpermission', 'ensurescope',
  'ensurewritepermission', 'ensurepermission', 'checkpermission', 'checkscopes', 'checkscope', 'checktoolscope',
  'authorize', 'authorized', 'requiresauth', 'requireverifiedtoken', 'withauth', 'withscope', 'withscopes',
  'scopepolicysatisfied', 'hasallscopes', 'hasscope', 'hasrequiredscopes',
  'toolscopes', 'toolroles', 'loginrequired', 'authrequired', 'permissionrequired',
]);

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

/** Names that read as "the check passed" predicates: a guard calling one is a check. */
const PREDICATE_PREFIXES = ['has', 'can', 'is', 'check', 'verify', 'allowed', 'authorized', 'permitted'];
const PREDICATE_WORDS = ['scope', 'permission', 'role', 'access', 'allowed', 'authoriz', 'admin', 'grant', 'entitle'];

export function looksLikeAuthPredicate(name: string): boolean {
  const n = normalizeName(name);
  if (AUTH_HELPER_NAMES.has(n)) return true;
  return PREDICATE_PREFIXES.some((p) => n.startsWith(p)) && PREDICATE_WORDS.some((w) => n.includes(w));
}

/**
 * Words that name the caller's rights whatever the arguments: `hasScope`, `checkPermission`,
 * `isAdmin`. `allowed` / `access` alone do not (`isPathWithinAllowedDirectories`,
 * `canAccessEndpoint`): such a predicate counts only when an input is the principal.
 */
const UNAMBIGUOUS_PREDICATE_WORDS = ['scope', 'permission', 'role', 'authoriz', 'admin', 'grant', 'entitle'];

/** An authorization predicate by its name alone (see `looksLikeAuthPredicate` for candidates). */
export function isUnambiguousAuthPredicate(name: string): boolean {
  const n = normalizeName(name);
  if (AUTH_HELPER_NAMES.has(n)) return true;
  return PREDICATE_PREFIXES.some((p) => n.startsWith(p)) && UNAMBIGUOUS_PREDICATE_WORDS.some((w) => n.includes(w));
}

/** Parameter names that carry the SDK's request context (and with it the auth object). */
export const REQUEST_CONTEXT_NAMES: ReadonlySet<string> = new Set(['extra', 'ctx', 'context', 'req', 'request']);

/** Kinds of sensitive work; the first three make a tool destructive. */
export type SensitiveKind = 'delete' | 'write' | 'exec' | 'send';

export interface SensitiveCall {
  /** The callee's last name (`unlink`), or `a.b` to require the receiver's last name too. */
  name: string;
  kind: SensitiveKind;
  label: string;
}

/** Calls that do sensitive work, by language. `*.x` = any receiver. */
export const SENSITIVE_CALLS: Readonly<Record<Lang, readonly SensitiveCall[]>> = {
  ts: [
    { name: 'unlink', kind: 'delete', label: 'fs.unlink' }, { name: 'unlinkSync', kind: 'delete', label: 'fs.unlinkSync' },
    { name: 'rm', kind: 'delete', label: 'fs.rm' }, { name: 'rmSync', kind: 'delete', label: 'fs.rmSync' },
    { name: 'rmdir', kind: 'delete', label: 'fs.rmdir' }, { name: 'delete', kind: 'delete', label: 'delete' },
    { name: 'deleteOne', kind: 'delete', label: 'deleteOne' }, { name: 'deleteMany', kind: 'delete', label: 'deleteMany' },
    { name: 'destroy', kind: 'delete', label: 'destroy' }, { name: 'drop', kind: 'delete', label: 'drop' },
    { name: 'clear', kind: 'delete', label: 'clear' }, { name: 'remove', kind: 'delete', label: 'remove' },
    { name: 'writeFile', kind: 'write', label: 'fs.writeFile' }, { name: 'writeFileSync', kind: 'write', label: 'fs.writeFileSync' },
    { name: 'appendFile', kind: 'write', label: 'fs.appendFile' }, { name: 'appendFileSync', kind: 'write', label: 'fs.appendFileSync' },
    { name: 'rename', kind: 'write', label: 'fs.rename' }, { name: 'mkdir', kind: 'write', label: 'fs.mkdir' },
    { name: 'set', kind: 'write', label: 'set' }, { name: 'insert', kind: 'write', label: 'insert' },
    { name: 'insertOne', kind: 'write', label: 'insertOne' }, { name: 'updateOne', kind: 'write', label: 'updateOne' },
    { name: 'update', kind: 'write', label: 'update' }, { name: 'save', kind: 'write', label: 'save' },
    { name: 'create', kind: 'write', label: 'create' }, { name: 'put', kind: 'write', label: 'put' },
    { name: 'exec', kind: 'exec', label: 'exec' }, { name: 'execSync', kind: 'exec', label: 'execSync' },
    { name: 'execFile', kind: 'exec', label: 'execFile' }, { name: 'execFileSync', kind: 'exec', label: 'execFileSync' },
    { name: 'spawn', kind: 'exec', label: 'spawn' }, { name: 'spawnSync', kind: 'exec', label: 'spawnSync' },
    { name: 'eval', kind: 'exec', label: 'eval' }, { name: 'execa', kind: 'exec', label: 'execa' },
    { name: 'sendMail', kind: 'send', label: 'sendMail' }, { name: 'send', kind: 'send', label: 'send' },
    { name: 'post', kind: 'send', label: 'HTTP POST' }, { name: 'postMessage', kind: 'send', label: 'postMessage' },
    { name: 'publish', kind: 'send', label: 'publish' },
  ],
  py: [
    { name: 'remove', kind: 'delete', label: 'os.remove' }, { name: 'unlink', kind: 'delete', label: 'unlink' },
    { name: 'rmtree', kind: 'delete', label: 'shutil.rmtree' }, { name: 'rmdir', kind: 'delete', label: 'rmdir' },
    { name: 'delete', kind: 'delete', label: 'delete' }, { name: 'clear', kind: 'delete', label: 'clear' },
    { name: 'delete_one', kind: 'delete', label: 'delete_one' }, { name: 'delete_many', kind: 'delete', label: 'delete_many' },
    { name: 'drop', kind: 'delete', label: 'drop' }, { name: 'pop', kind: 'delete', label: 'pop' },
    { name: 'write', kind: 'write', label: 'write' }, { name: 'write_text', kind: 'write', label: 'write_text' },
    { name: 'write_bytes', kind: 'write', label: 'write_bytes' }, { name: 'insert_one', kind: 'write', label: 'insert_one' },
    { name: 'update', kind: 'write', label: 'update' }, { name: 'save', kind: 'write', label: 'save' },
    { name: 'commit', kind: 'write', label: 'commit' }, { name: 'rename', kind: 'write', label: 'rename' },
    { name: 'system', kind: 'exec', label: 'os.system' }, { name: 'popen', kind: 'exec', label: 'os.popen' },
    { name: 'run', kind: 'exec', label: 'subprocess.run' }, { name: 'Popen', kind: 'exec', label: 'subprocess.Popen' },
    { name: 'call', kind: 'exec', label: 'subprocess.call' }, { name: 'check_call', kind: 'exec', label: 'subprocess.check_call' },
    { name: 'check_output', kind: 'exec', label: 'subprocess.check_output' },
    { name: 'create_subprocess_exec', kind: 'exec', label: 'asyncio.create_subprocess_exec' },
    { name: 'create_subprocess_shell', kind: 'exec', label: 'asyncio.create_subprocess_shell' },
    { name: 'eval', kind: 'exec', label: 'eval' }, { name: 'exec', kind: 'exec', label: 'exec' },
    { name: 'post', kind: 'send', label: 'HTTP POST' }, { name: 'put', kind: 'send', label: 'HTTP PUT' },
    { name: 'patch', kind: 'send', label: 'HTTP PATCH' }, { name: 'send_message', kind: 'send', label: 'send_message' },
    { name: 'sendmail', kind: 'send', label: 'sendmail' }, { name: 'send', kind: 'send', label: 'send' },
  ],
  go: [
    { name: 'Remove', kind: 'delete', label: 'os.Remove' }, { name: 'RemoveAll', kind: 'delete', label: 'os.RemoveAll' },
    { name: 'Delete', kind: 'delete', label: 'Delete' }, { name: 'WriteFile', kind: 'write', label: 'os.WriteFile' },
    { name: 'Create', kind: 'write', label: 'os.Create' }, { name: 'Rename', kind: 'write', label: 'os.Rename' },
    { name: 'Exec', kind: 'write', label: 'db.Exec' }, { name: 'ExecContext', kind: 'write', label: 'db.ExecContext' },
    { name: 'Command', kind: 'exec', label: 'exec.Command' }, { name: 'CommandContext', kind: 'exec', label: 'exec.CommandContext' },
    { name: 'Post', kind: 'send', label: 'http.Post' }, { name: 'Do', kind: 'send', label: 'http.Client.Do' },
    { name: 'SendMail', kind: 'send', label: 'smtp.SendMail' },
  ],
};

/** SQL verbs inside string literals that make a statement destructive. */
export const SQL_WRITE = /^\s*(DELETE\s+FROM|DROP\s+(TABLE|DATABASE|INDEX)|TRUNCATE|UPDATE\s+\w+\s+SET|INSERT\s+INTO|ALTER\s+TABLE)/i;

/** HTTP methods that change state (fetch `method:`, `http.NewRequest("POST", ...)`). */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Node types per language. */
export const NODE = {
  ts: {
    functions: new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'function']),
    ifStatement: 'if_statement',
    deny: new Set(['throw_statement']),
    returnStatement: 'return_statement',
    call: 'call_expression',
    block: new Set(['statement_block', 'switch_case', 'switch_default', 'program', 'else_clause']),
    string: new Set(['string', 'template_string']),
  },
  py: {
    functions: new Set(['function_definition', 'lambda']),
    ifStatement: 'if_statement',
    deny: new Set(['raise_statement']),
    returnStatement: 'return_statement',
    call: 'call',
    block: new Set(['block', 'module', 'case_clause']),
    string: new Set(['string']),
  },
  go: {
    functions: new Set(['function_declaration', 'func_literal', 'method_declaration']),
    ifStatement: 'if_statement',
    deny: new Set<string>(['call_expression']),
    returnStatement: 'return_statement',
    call: 'call_expression',
    block: new Set(['block', 'expression_case', 'source_file', 'statement_list']),
    string: new Set(['interpreted_string_literal', 'raw_string_literal']),
  },
} as const;

/** Words in a returned value / raised error that mark a denial. */
export const DENY_WORDS = /forbidden|unauthori[sz]ed|permission|not allowed|insufficient|access denied|denied|scope|403|401|isError|ToolError|AuthorizationError|PermissionError|Errorf|errors\.New|NewToolResultError|HTTPException/i;

/** HTTP transports served in source (for MCPS207): constructor / call names. */
export const HTTP_TRANSPORT_CALLS: ReadonlySet<string> = new Set([
  'StreamableHTTPServerTransport', 'SSEServerTransport', 'WebStandardStreamableHTTPServerTransport',
  'NewStreamableHTTPServer', 'NewSSEServer', 'NewStreamableHTTPHandler', 'NewSSEHandler', 'createMcpHandler',
  'streamable_http_app', 'sse_app', 'http_app',
]);

/** Evidence that a server authenticates HTTP callers (for MCPS207). */
export const AUTHN_EVIDENCE: ReadonlySet<string> = new Set([
  'requireBearerAuth', 'verifyAccessToken', 'verifyBearerToken', 'RequireBearerToken', 'authenticate',
  'token_verifier', 'TokenVerifier', 'JWTVerifier', 'BearerAuthBackend', 'RequireAuthMiddleware', 'jwtVerify',
  'RemoteAuthProvider', 'OAuthProvider', 'OAuthProxy', 'StaticTokenVerifier', 'WithHTTPContextFunc', 'mcpAuthRouter',
  'authorization', 'Authorization', 'verify_token',
]);
