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
 * parameters are replaced by `***`. Everything else stays exactly as written (no
 * normalisation), so the result still matches what the user sees in the file.
 */
export function redactUrl(raw: string): string {
  // user:password@ right after the scheme's "//".
  let out = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]+@/i, '$1:***@');
  const query = out.indexOf('?');
  if (query >= 0) {
    const hash = out.indexOf('#', query);
    const end = hash >= 0 ? hash : out.length;
    const params = out
      .slice(query + 1, end)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const name = pair.slice(0, eq);
        return SECRET_PARAM.test(name) && eq < pair.length - 1 ? `${name}=***` : pair;
      });
    out = `${out.slice(0, query + 1)}${params.join('&')}${out.slice(end)}`;
  }
  return out;
}
