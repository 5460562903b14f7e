// The principal-matrix benchmark's MCP server (SDK v1, low-level Server): the 20 tools of
// bench/lib/matrix-tools.mjs, JWTs verified with jose against the issuer's JWKS (RS256/ES256,
// issuer, audience, expiry), over stdio or Streamable HTTP on 127.0.0.1 only. Modelled on
// test/fixtures/matrix/docs-server.mjs in its correct mode.
//
//   node matrix-server.mjs stdio [--marker=X]   token in MCP_ACCESS_TOKEN; an invalid one → exit 1
//   node matrix-server.mjs http  [--marker=X]   PORT; Authorization: Bearer per request; invalid → 401
// Reads OAUTH_ISSUER, OAUTH_JWKS_URL, OAUTH_AUDIENCE. --marker only tags the process for cleanup.
import { createServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { TOOLS } from './matrix-tools.mjs';

const issuer = process.env.OAUTH_ISSUER;
const audience = process.env.OAUTH_AUDIENCE;
const jwks = createRemoteJWKSet(new URL(process.env.OAUTH_JWKS_URL));

async function verify(token) {
  const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256', 'ES256'] });
  return { sub: payload.sub, scopes: String(payload.scope ?? '').split(' ').filter(Boolean), role: payload.role };
}

const byName = new Map(TOOLS.map((t) => [t.name, t]));
const LISTED = TOOLS.map((t) => ({
  name: t.name,
  description: `${t.kind} tool`,
  inputSchema: t.schema,
  annotations: t.destructive ? { destructiveHint: true } : { readOnlyHint: t.kind !== 'write' },
}));
const text = (s) => ({ content: [{ type: 'text', text: s }] });
const isAdmin = (auth) => auth?.role === 'admin';
const hasScope = (auth, scope) => auth?.scopes.includes(scope) === true;

function makeServer(auth) {
  const server = new Server({ name: 'matrix-bench', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: LISTED.filter((t) => byName.get(t.name).kind !== 'admin' || isAdmin(auth)),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const { name, arguments: args = {} } = req.params;
    const tool = byName.get(name);
    const summary = `${name}(${Object.entries(args).map(([k, v]) => `${k}=${v}`).join(', ')})`;
    switch (tool?.kind) {
      case 'public':
        return text(name === 'ping' ? 'pong' : new Date(0).toISOString());
      case 'read':
        if (!hasScope(auth, 'notes:read')) return { ...text('Forbidden: missing scope notes:read'), isError: true };
        return text(`ok ${summary} for ${auth.sub}`);
      case 'write':
        if (!hasScope(auth, 'notes:write')) throw new McpError(-32003, 'insufficient_scope: notes:write required');
        return text(`ok ${summary} for ${auth.sub}`);
      case 'admin':
        if (!isAdmin(auth)) throw new McpError(-32602, `Tool ${name} not found`);
        return text(`ok ${summary} for ${auth.sub}`);
      default:
        throw new McpError(-32602, `Tool ${name} not found`);
    }
  });
  return server;
}

if (process.argv[2] === 'http') {
  const port = Number(process.env.PORT);
  const http = createServer(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return res.writeHead(404).end();
    const header = req.headers.authorization;
    let auth;
    if (header?.startsWith('Bearer ')) {
      try {
        auth = await verify(header.slice(7));
      } catch (err) {
        return res.writeHead(401, { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${String(err.message).replace(/"/g, "'")}"` }).end();
      }
    }
    // No token: let through (the public tools); every other tool checks the caller itself.
    const server = makeServer(auth);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  // No SIGTERM handler: the default (exit at once) is what a client stopping it wants; a
  // graceful http.close() would wait for the client's keep-alive connections.
  http.listen(port, '127.0.0.1', () => console.error(`matrix-bench on http://127.0.0.1:${port}/mcp`));
} else {
  const token = process.env.MCP_ACCESS_TOKEN;
  let auth;
  if (token) {
    try {
      auth = await verify(token);
    } catch (err) {
      console.error(`invalid token: ${err.message}`);
      process.exit(1);
    }
  }
  await makeServer(auth).connect(new StdioServerTransport());
  console.error('matrix-bench on stdio');
}
