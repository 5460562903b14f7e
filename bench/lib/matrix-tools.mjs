// The principal-matrix benchmark's server model, shared by the bench server
// (bench/lib/matrix-server.mjs) and the benchmark (bench/matrix.mjs): 20 tools, the two
// declared principals, and the matrix file the harness runs.
//
// Principals (8): the file declares `reader` (notes:read) and `admin` (notes:read,
// notes:write, role admin); the harness always adds its 6 built-in hostile ones (anonymous,
// expired, wrong-audience, wrong-issuer, bad-signature, alg-none): 2 + 6 = 8.
//
// Tools (20), with deliberately different denial shapes:
//   public  (2)  ping, server_time                           everyone, even without a token
//   read    (8)  notes:read  → isError "Forbidden: missing scope notes:read"
//   write   (6)  notes:write → JSON-RPC error -32003 insufficient_scope
//   admin   (4)  role admin  → hidden from tools/list, "Tool X not found" on call

const str = { type: 'string' };
const obj = (properties, required = Object.keys(properties)) => ({ type: 'object', properties, required });

/** name, kind, input schema, the arguments both clients send (strings only: `--tool-arg k=v` keeps them as given). */
export const TOOLS = [
  { name: 'ping', kind: 'public', schema: obj({}), args: {} },
  { name: 'server_time', kind: 'public', schema: obj({}), args: {} },
  { name: 'read_note', kind: 'read', schema: obj({ id: str }), args: { id: 'n1' } },
  { name: 'list_notes', kind: 'read', schema: obj({ folder: str }), args: { folder: 'inbox' } },
  { name: 'search_notes', kind: 'read', schema: obj({ query: str }), args: { query: 'budget' } },
  { name: 'get_tag', kind: 'read', schema: obj({ tag: str }), args: { tag: 'work' } },
  { name: 'list_tags', kind: 'read', schema: obj({}), args: {} },
  { name: 'note_history', kind: 'read', schema: obj({ id: str }), args: { id: 'n1' } },
  { name: 'export_note', kind: 'read', schema: obj({ id: str, format: { type: 'string', enum: ['md', 'txt'] } }), args: { id: 'n1', format: 'md' } },
  { name: 'count_notes', kind: 'read', schema: obj({ folder: str }), args: { folder: 'inbox' } },
  { name: 'create_note', kind: 'write', schema: obj({ title: str, text: str }), args: { title: 'bench', text: 'hello' } },
  { name: 'update_note', kind: 'write', schema: obj({ id: str, text: str }), args: { id: 'n1', text: 'updated' } },
  { name: 'delete_note', kind: 'write', schema: obj({ id: str }), args: { id: 'n1' }, destructive: true },
  { name: 'add_tag', kind: 'write', schema: obj({ id: str, tag: str }), args: { id: 'n1', tag: 'work' } },
  { name: 'remove_tag', kind: 'write', schema: obj({ id: str, tag: str }), args: { id: 'n1', tag: 'work' } },
  { name: 'archive_note', kind: 'write', schema: obj({ id: str }), args: { id: 'n1' } },
  { name: 'purge_all', kind: 'admin', schema: obj({ confirm: str }), args: { confirm: 'yes' }, destructive: true },
  { name: 'rotate_keys', kind: 'admin', schema: obj({}), args: {} },
  { name: 'list_users', kind: 'admin', schema: obj({}), args: {} },
  { name: 'audit_log', kind: 'admin', schema: obj({ since: str }), args: { since: '2026-01-01' } },
];

export const DECLARED_PRINCIPALS = {
  reader: { sub: 'alice', scopes: ['notes:read'] },
  admin: { sub: 'root', scopes: ['notes:read', 'notes:write'], claims: { role: 'admin' } },
};
export const HOSTILE = ['anonymous', 'expired', 'wrong-audience', 'wrong-issuer', 'bad-signature', 'alg-none'];
export const PRINCIPALS = [...Object.keys(DECLARED_PRINCIPALS), ...HOSTILE];

const ALLOW = { read: ['reader', 'admin'], write: ['admin'], admin: ['admin'] };

/**
 * The matrix file for the harness. `server` is filled in by the caller (command, args, transport).
 * @param {{ transport: 'stdio' | 'http', command: string, args: string[] }} server
 */
export function matrixFile({ transport, command, args }) {
  return {
    server: {
      transport,
      command,
      args,
      env: { OAUTH_ISSUER: '${issuer}', OAUTH_JWKS_URL: '${jwksUri}', OAUTH_AUDIENCE: '${audience}', PORT: '${port}' },
      ...(transport === 'http' ? { url: 'http://127.0.0.1:${port}/mcp' } : { tokenEnv: 'MCP_ACCESS_TOKEN' }),
      startupTimeoutMs: 15000,
    },
    principals: DECLARED_PRINCIPALS,
    tools: Object.fromEntries(TOOLS.map((t) => [t.name, t.kind === 'public' ? { args: t.args, public: true } : { args: t.args, allow: ALLOW[t.kind] }])),
  };
}
