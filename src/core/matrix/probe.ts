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
import { asV2Transport, isUnsupportedRevision, legacyClient, ModernClient, modernHttpTransport, type MatrixClient } from './protocol';
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
  let client: MatrixClient | undefined;
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
    const start = () => new ManagedProcess(spec, (t) => options.onOutput?.(excerpt(t, secrets, 2000)));
    proc = start();
    const failure = (err: unknown) => {
      const tail = excerpt(proc!.stderr.slice(-600), secrets, 600);
      const why = proc!.exited ? `the server exited (${proc!.describeExit()})` : excerpt((err as Error).message ?? String(err), secrets, 300);
      return new MatrixRunError(`could not list the tools: ${why}${tail ? `; stderr: ${tail}` : ''}`);
    };
    const fetchWithToken = async (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    let serverName: string | undefined;
    try {
      if (isHttp) {
        if (!url) throw new MatrixRunError(`server.url is required for transport "${server.transport}"`);
        await waitForPort(Number(new URL(url).port || 80), timeout, proc, options.signal);
      }
      // The 2025 handshake first (what SDK v1 servers and dual-revision v2 servers speak); a server
      // that refuses initialize as an unsupported revision is asked again over 2026-07-28.
      try {
        const v1 = new Client({ name: 'mcp-secure-matrix-scaffold', version: '1.0.0' }, { capabilities: {} });
        client = legacyClient(v1);
        const transport = !isHttp
          ? new ProcessStdioTransport(proc)
          : server.transport === 'sse'
            ? new SSEClientTransport(new URL(url!), { fetch: fetchWithToken })
            : new StreamableHTTPClientTransport(new URL(url!), { fetch: fetchWithToken });
        await v1.connect(transport, { timeout, signal: options.signal });
        serverName = v1.getServerVersion()?.name;
      } catch (err) {
        if (!isUnsupportedRevision(err) || server.transport === 'sse') throw err;
        await Promise.race([client?.close(), new Promise((r) => setTimeout(r, 2000).unref())]).catch(() => undefined);
        if (!isHttp) {
          await proc.stop();
          proc = start();
        }
        const modern = new ModernClient('pin');
        client = modern;
        await modern.connect(isHttp ? modernHttpTransport(new URL(url!), fetchWithToken) : asV2Transport(new ProcessStdioTransport(proc)), { timeout, signal: options.signal });
        serverName = modern.serverName;
      }
      const tools: Tool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20 && tools.length < 500; page++) {
        const r = await client.listTools(cursor, { timeout, signal: options.signal });
        tools.push(...r.tools);
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      return { tools, serverName, durationMs: Date.now() - started };
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
