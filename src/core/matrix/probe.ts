/**
 * Starts a server the way the harness does (own process group, the local issuer, the same
 * placeholders and startup timeout), lists its tools as a principal holding every scope found,
 * and stops it. Used by "Create Principal Matrix"; calls no tool.
 */
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { excerpt } from './classify';
import { startIssuer, type Issuer } from './issuer';
import { freePort, installHooks, ManagedProcess, ProcessStdioTransport, waitForPort } from './proc';
import { expandPlaceholders } from './run';
import { MatrixRunError, type MatrixPrincipal, type MatrixServerConfig } from './types';

export interface ProbeOptions {
  /** Folder server.cwd is relative to (the workspace folder). */
  cwd: string;
  /** Who lists the tools (default: sub "matrix-probe", role admin, no scopes). */
  principal?: MatrixPrincipal;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Server stderr (scrubbed of the probe's token). */
  onOutput?: (text: string) => void;
  handleSignals?: boolean;
}

export interface ProbeResult {
  tools: Tool[];
  serverName?: string;
  durationMs: number;
}

export async function probeServerTools(server: MatrixServerConfig, options: ProbeOptions): Promise<ProbeResult> {
  const started = Date.now();
  const unhook = installHooks(options.handleSignals !== false);
  const timeout = server.startupTimeoutMs ?? 15_000;
  let issuer: Issuer | undefined;
  let proc: ManagedProcess | undefined;
  let client: Client | undefined;
  const secrets: string[] = [];
  try {
    issuer = await startIssuer();
    const port = String(await freePort());
    const vars: Record<string, string> = { issuer: issuer.issuer, jwksUri: issuer.jwksUri, port };
    const url = server.url ? expandPlaceholders(server.url, vars) : undefined;
    vars.audience = expandPlaceholders(server.url ?? 'mcp-secure-test', vars);
    if (url && !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) throw new MatrixRunError(`server.url must be on 127.0.0.1 (got ${new URL(url).hostname})`);
    const principal: MatrixPrincipal = options.principal ?? { sub: 'matrix-probe', scopes: [], claims: { role: 'admin' } };
    const token = await issuer.mint(principal, { audience: vars.audience, ttlMinutes: 5 });
    secrets.push(token);
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
    for (const [k, v] of Object.entries(server.env ?? {})) env[k] = expandPlaceholders(v, vars);
    const isHttp = server.transport === 'http' || server.transport === 'sse';
    if (!isHttp) env[server.tokenEnv ?? 'MCP_ACCESS_TOKEN'] = token;
    const spec = {
      command: server.command,
      args: (server.args ?? []).map((a) => expandPlaceholders(a, vars)),
      cwd: path.resolve(options.cwd, server.cwd ? expandPlaceholders(server.cwd, vars) : '.'),
      env,
    };
    proc = new ManagedProcess(spec, (t) => options.onOutput?.(excerpt(t, secrets, 2000)));
    client = new Client({ name: 'mcp-secure-matrix-scaffold', version: '1.0.0' }, { capabilities: {} });
    const failure = (err: unknown) => {
      const tail = excerpt(proc!.stderr.slice(-600), secrets, 600);
      const why = proc!.exited ? `the server exited (${proc!.describeExit()})` : excerpt((err as Error).message ?? String(err), secrets, 300);
      return new MatrixRunError(`could not list the tools: ${why}${tail ? `; stderr: ${tail}` : ''}`);
    };
    try {
      if (isHttp) {
        if (!url) throw new MatrixRunError(`server.url is required for transport "${server.transport}"`);
        await waitForPort(Number(new URL(url).port || 80), timeout, proc, options.signal);
        const fetchWithToken = async (input: string | URL | Request, init?: RequestInit) => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token}`);
          return fetch(input, { ...init, headers });
        };
        const transport = server.transport === 'sse'
          ? new SSEClientTransport(new URL(url), { fetch: fetchWithToken })
          : new StreamableHTTPClientTransport(new URL(url), { fetch: fetchWithToken });
        await client.connect(transport, { timeout, signal: options.signal });
      } else {
        await client.connect(new ProcessStdioTransport(proc), { timeout, signal: options.signal });
      }
      const tools: Tool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20 && tools.length < 500; page++) {
        const r = await client.listTools(cursor ? { cursor } : {}, { timeout, signal: options.signal });
        tools.push(...r.tools);
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      return { tools, serverName: client.getServerVersion()?.name, durationMs: Date.now() - started };
    } catch (err) {
      if (err instanceof MatrixRunError) throw err;
      throw failure(err);
    }
  } finally {
    await Promise.race([client?.close(), new Promise((r) => setTimeout(r, 2000).unref())]).catch(() => undefined);
    await proc?.stop();
    await issuer?.close();
    unhook();
  }
}
