/** Expectations per cell and classification of what the server did into allow/deny/error/timeout. */
import { HOSTILE_PRINCIPALS, type Actual, type Expected, type MatrixConfig } from './types';

export function isHostile(principal: string): boolean {
  return (HOSTILE_PRINCIPALS as readonly string[]).includes(principal);
}

/**
 * What the matrix file expects for one cell. Public tools: allow for everyone. Hostile
 * principals: deny for every other tool (named or not). Declared principals: allow when in
 * the tool's allow list, deny when not; "none" for tools the file does not name (or names
 * without an allow list).
 */
export function expectationFor(config: MatrixConfig, principal: string, tool: string): { expected: Expected; why: string } {
  const t = config.tools?.[tool];
  if (t?.public) {
    if (isHostile(principal) && principal !== 'anonymous') return { expected: 'none', why: 'public tool called with an invalid token: refusing the token (401) is as correct as ignoring it' };
    return { expected: 'allow', why: 'public tool' };
  }
  if (isHostile(principal)) return { expected: 'deny', why: `hostile principal "${principal}" must be refused every non-public tool` };
  if (!t) return { expected: 'none', why: 'tool not named in the matrix file (no expectation)' };
  if (!t.allow) return { expected: 'none', why: 'tool has no allow list (no expectation)' };
  return t.allow.includes(principal) ? { expected: 'allow', why: 'in allow list' } : { expected: 'deny', why: 'not in allow list' };
}

export function cellPasses(expected: Expected, actual: Actual): boolean {
  if (actual === 'skipped' || expected === 'none') return true;
  return expected === actual;
}

const AUTH_TEXT = new RegExp(
  [
    'unauthori[sz]ed', 'forbidden', 'not authori[sz]ed', 'unauthenticated', 'not authenticated', 'authentication (is )?required',
    'authentication failed', 'authori[sz]ation (is )?required', 'authori[sz]ation failed', 'access denied', 'permission denied',
    'insufficient[_ ]scope', 'missing (required )?scopes?', 'requires? (the )?scopes?', 'invalid[_ ]token', 'token (is )?(expired|invalid|missing|required)',
    'expired token', 'jwt ?expired', '"exp" claim', 'signature verification failed', 'invalid (jwt|signature|audience|issuer)',
    'unexpected "(aud|iss)" claim', 'not permitted', 'not allowed to', 'access token', 'no credentials', 'invalid credentials', 'bearer',
    'authori[sz]ationerror', 'authenticationerror', 'permissionerror', 'permission_denied', 'insufficient (permissions?|privileges?|rights|role)',
    'role \\S+ (is )?required', 'requires? (the )?(\\S+ )?role', 'admin(istrator)? only', 'not (an )?admin',
    '\\b401\\b', '\\b403\\b',
  ].join('|'),
  'i',
);

export function looksLikeAuthDenial(text: string): boolean {
  return AUTH_TEXT.test(text);
}

/** "Tool X not found", "Unknown tool: X", "no such tool" — the tool is hidden from this caller. */
export function looksLikeUnknownTool(text: string, tool: string): boolean {
  const t = text.toLowerCase();
  const n = tool.toLowerCase();
  if (/unknown tool|no such tool|tool not found|tool .{0,80} (not found|does not exist|is not available|disabled)/.test(t) && (t.includes(n) || /unknown tool|no such tool|tool not found/.test(t))) return true;
  return false;
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g;

/** Removes anything that looks like a JWT or a bearer credential, and the given exact secrets. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 8) out = out.split(s).join('[token]');
  out = out.replace(JWT_LIKE, '[jwt redacted]');
  out = out.replace(/(bearer\s+)(?!error=|realm=|resource_metadata=|scope=)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]');
  return out;
}

/** A short one-line excerpt of a server message (scrubbed). */
export function excerpt(text: string, secrets: readonly string[] = [], max = 200): string {
  const one = scrub(text, secrets).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export interface CallObservation {
  /** The tool was listed in this principal's tools/list. */
  listed: boolean | undefined;
  /** HTTP statuses seen on the request (last non-2xx). */
  httpStatus?: number;
  wwwAuthenticate?: string;
  /** tools/call returned a result. */
  result?: { isError?: boolean; text: string };
  /** tools/call failed: JSON-RPC error or transport error. */
  error?: { code?: number; message: string; kind: 'jsonrpc' | 'http' | 'transport' | 'timeout' | 'crash' };
}

export interface Classification {
  actual: Actual;
  detail: string;
}

/** Normalises every denial shape of authz.md §2.6 into allow / deny / error / timeout. */
export function classify(obs: CallObservation, tool: string, secrets: readonly string[] = []): Classification {
  // The SDK prefixes "MCP error <code>: " on both sides, so a server's McpError arrives with it
  // twice; the code is already in the detail's label.
  const ex = (s: string) => excerpt(s.replace(/^(?:MCP error -?\d+:\s*)+/, ''), secrets);
  const hidden = obs.listed === false ? ' (tool hidden from tools/list)' : '';
  if (obs.httpStatus === 401 || obs.httpStatus === 403) {
    const www = obs.wwwAuthenticate ? `; WWW-Authenticate: ${ex(obs.wwwAuthenticate)}` : '';
    return { actual: 'deny', detail: `HTTP ${obs.httpStatus}${www}` };
  }
  if (obs.error) {
    const e = obs.error;
    const code = e.code !== undefined ? ` ${e.code}` : '';
    if (e.kind === 'timeout') return { actual: 'timeout', detail: ex(e.message) };
    if (looksLikeUnknownTool(e.message, tool)) return { actual: 'deny', detail: `unknown on call${hidden}: JSON-RPC error${code}: ${ex(e.message)}` };
    if (e.kind === 'jsonrpc' && looksLikeAuthDenial(e.message)) return { actual: 'deny', detail: `JSON-RPC error${code}: ${ex(e.message)}` };
    if (e.kind === 'http' && obs.httpStatus) return { actual: 'error', detail: `HTTP ${obs.httpStatus}: ${ex(e.message)}` };
    const label = e.kind === 'jsonrpc' ? `JSON-RPC error${code}` : e.kind === 'crash' ? 'server crashed' : 'transport error';
    return { actual: 'error', detail: `${label}: ${ex(e.message)}` };
  }
  if (obs.result) {
    if (!obs.result.isError) return { actual: 'allow', detail: `result${hidden ? ' although' + hidden : ''}: ${ex(obs.result.text) || '(empty)'}` };
    if (looksLikeUnknownTool(obs.result.text, tool)) return { actual: 'deny', detail: `isError, unknown tool${hidden}: ${ex(obs.result.text)}` };
    if (looksLikeAuthDenial(obs.result.text)) return { actual: 'deny', detail: `isError: ${ex(obs.result.text)}` };
    return { actual: 'error', detail: `isError (not about authorization): ${ex(obs.result.text)}` };
  }
  return { actual: 'error', detail: 'no result and no error' };
}
