// Classifies one MCP Inspector CLI invocation (`--cli … --method tools/call --format json`)
// as allow / deny / error / timeout, by the same rules the harness applies to its own calls
// (src/core/matrix/classify.ts: auth-denial text, "unknown tool", HTTP 401/403, a stdio
// server that refuses to start with an auth message), so both sides of the principal-matrix
// benchmark can be compared cell by cell. Bundled by bench/matrix.mjs; never returns a token
// (every text goes through the harness's scrub()).
//
// What the Inspector (2.x) prints: a result → stdout `{"result":{…}}`, exit 0 (isError: exit 5
// with `tool_is_error` on stderr); a failure → stderr `{"error":{"code","message"}}`, exit ≠ 0
// (`tool_not_found`: not in tools/list; `auth_required`: the server answered 401/403).
import { excerpt, looksLikeAuthDenial, looksLikeUnknownTool } from '../../src/core/matrix/classify';

function lastJson(text, key) {
  const lines = String(text ?? '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line.startsWith('{')) continue;
    try {
      const v = JSON.parse(line);
      if (v && typeof v === 'object' && key in v) return v[key];
    } catch { /* not JSON */ }
  }
  // --format json may pretty-print over several lines: try the whole text.
  try {
    const v = JSON.parse(String(text ?? ''));
    if (v && typeof v === 'object' && key in v) return v[key];
  } catch { /* not JSON */ }
  return undefined;
}

const resultText = (r) => (Array.isArray(r?.content) ? r.content.map((c) => (c?.type === 'text' ? c.text : `[${c?.type}]`)).join(' ') : JSON.stringify(r ?? {}));

/**
 * @param {{ status: number | null, signal?: string | null, timedOut?: boolean, stdout: string, stderr: string }} run
 * @param {string} tool
 * @param {string[]} secrets exact strings to scrub (the tokens)
 * @returns {{ actual: 'allow' | 'deny' | 'error' | 'timeout', detail: string }}
 */
export function inspectorVerdict(run, tool, secrets = []) {
  const short = (t) => excerpt(t, secrets, 160);
  if (run.timedOut || run.status === 124 || run.status === 137) return { actual: 'timeout', detail: `no answer within the per-call limit (exit ${run.status})` };
  const result = lastJson(run.stdout, 'result');
  const error = lastJson(run.stderr, 'error');
  if (result && result.isError !== true && run.status === 0) return { actual: 'allow', detail: `result: ${short(resultText(result))}` };
  if (result && result.isError === true) {
    const text = resultText(result);
    if (looksLikeAuthDenial(text) || looksLikeUnknownTool(text, tool)) return { actual: 'deny', detail: `isError: ${short(text)}` };
    return { actual: 'error', detail: `isError without an authorization message: ${short(text)}` };
  }
  if (error && typeof error === 'object') {
    const code = String(error.code ?? '');
    const message = String(error.message ?? '');
    if (code === 'tool_not_found') return { actual: 'deny', detail: `tool_not_found (hidden from tools/list): ${short(message)}` };
    if (code === 'auth_required') return { actual: 'deny', detail: `auth_required (HTTP 401/403): ${short(message)}` };
    if (looksLikeAuthDenial(message) || looksLikeUnknownTool(message, tool)) return { actual: 'deny', detail: `${code}: ${short(message)}` };
    // A stdio server that exits at startup: its own stderr (passed through) says why.
    const serverSays = String(run.stderr ?? '').split('\n').filter((l) => !l.trim().startsWith('{')).join(' ');
    if (/connection closed|closed|exited/i.test(message) && looksLikeAuthDenial(serverSays)) return { actual: 'deny', detail: `server refused to start (${short(message)}): ${short(serverSays)}` };
    return { actual: 'error', detail: `${code}: ${short(message)}` };
  }
  return { actual: 'error', detail: `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}; stderr: ${short(run.stderr ?? '')}` };
}
