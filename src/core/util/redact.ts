/**
 * Redaction for anything that leaves the core as text: a secret's value never does.
 */

/** Query parameter names whose values are credentials. */
const SECRET_PARAM = /(token|key|secret|passw|pwd|auth|sig|signature|session|credential|code)/i;

/** `sk-proj-abcd…WXYZ` → `sk-p…WXYZ`: a short prefix and the last 4 characters at most. */
export function redactValue(value: string): string {
  if (value.length <= 8) return '…';
  const prefixLength = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, prefixLength)}…${value.slice(-4)}`;
}

/**
 * A URL safe to print: the password of its userinfo and the values of credential-like query
 * parameters are replaced. Anything that does not parse as a URL is returned with every
 * `user:pass@` pair masked.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/([^/@:\s]+):[^/@\s]+@/g, '//$1:***@');
  }
  if (url.password) url.password = '***';
  for (const [name, value] of [...url.searchParams]) {
    if (SECRET_PARAM.test(name) && value !== '') url.searchParams.set(name, '***');
  }
  // URL re-encodes "***" in the password as-is and in queries as %2A%2A%2A; keep it readable.
  return url.toString().replace(/%2A%2A%2A/g, '***');
}
