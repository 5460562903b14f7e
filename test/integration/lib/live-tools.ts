// The live tool list of an MCP server started over stdio with the SDK's client.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';

export interface LiveTools {
  tools: string[];
  serverName?: string;
  serverVersion?: string;
  ms: number;
}

/**
 * Starts `node <entry> ...args` (cwd `cwd`), lists every tool (following `nextCursor`), then
 * closes the client, which ends the server. The server gets the SDK's default environment
 * (PATH, HOME, ...) plus `env`; its stderr is kept (last 2 KB) for the error message.
 */
export async function liveTools(entry: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs: number; capabilities?: Record<string, unknown> }): Promise<LiveTools> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry, ...args],
    cwd: opts.cwd,
    env: { ...getDefaultEnvironment(), ...(opts.env ?? {}) },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2048);
  });
  // Servers may register tools only for clients that declare a capability (roots, sampling...).
  const client = new Client({ name: 'mcp-secure-authz-npm-test', version: '0.0.0' }, { capabilities: (opts.capabilities ?? {}) as never });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no tools/list answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
  });
  try {
    const work = (async () => {
      await client.connect(transport);
      const names: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await client.listTools(cursor ? { cursor } : {});
        names.push(...r.tools.map((t) => t.name));
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      const v = client.getServerVersion();
      return { tools: names, serverName: v?.name, serverVersion: v?.version, ms: Math.round(performance.now() - t0) };
    })();
    return await Promise.race([work, timeout]);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}${stderr ? `; server stderr: ${stderr.trim().slice(-400)}` : ''}`);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
    // close() ends the child; make sure of it (by its own pid, never by name).
    const pid = transport.pid;
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
