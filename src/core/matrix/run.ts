/**
 * runMatrix: starts the issuer and the server, mints a token per principal, calls every tool
 * as every principal and classifies each outcome against the matrix file's expectations.
 */
import * as path from 'node:path';
import { setMaxListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { argsFromInputSchema } from './args';
import { cellPasses, classify, excerpt, expectationFor, isHostile, looksLikeAuthDenial, type CallObservation, type Classification } from './classify';
import { startIssuer, unionPrincipal, type Issuer } from './issuer';
import { freePort, installHooks, ManagedProcess, ProcessStdioTransport, waitForPort, type SpawnSpec } from './proc';
import { addStandardHeaders, asV2Transport, isUnsupportedRevision, legacyClient, ModernClient, MODERN_REVISION, modernHttpTransport, type MatrixClient } from './protocol';
import { HOSTILE_PRINCIPALS, MatrixRunError, type HostilePrincipal, type MatrixCell, type MatrixConfig, type MatrixEvent, type MatrixResult } from './types';

/**
 * Names of the token-validation settings that hold public values (OAUTH_AUDIENCE,
 * AUTH_ISSUER_URL, OAUTH_JWKS_URI). Only these: any other *_URL under a secret-sounding name may
 * carry credentials and stays hidden.
 */
const PUBLIC_SETTING_NAME = /(audience|issuer|jwks)(_?ur[il]s?)?$/i;

export interface RunMatrixOptions {
  /** Folder the matrix file lives in: server.cwd is relative to it. */
  cwd: string;
  /** Principals run in parallel (HTTP: concurrent calls). Default 4. */
  concurrency?: number;
  callTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: MatrixEvent) => void;
  /** Asked once with the destructive tools the file does not allow; true runs them. */
  confirmDestructive?: (tools: string[]) => Promise<boolean>;
  /** Base environment for the server (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Only these principals / tools (for re-running single cells). */
  onlyPrincipals?: string[];
  onlyTools?: string[];
  /** Kill the servers on SIGINT/SIGTERM and re-raise (default true; false in an editor host). */
  handleSignals?: boolean;
}

const DEFAULT_TOKEN_ENV = 'MCP_ACCESS_TOKEN';
const MAX_RESTARTS = 3;
const MAX_TOOLS = 500;
const MAX_TEXT = 64 * 1024;

export function expandPlaceholders(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(issuer|jwksUri|audience|port)\}/g, (_, k: string) => vars[k] ?? '');
}

interface Session {
  client?: MatrixClient;
  proc?: ManagedProcess;
  generation: number;
  listed?: Map<string, Tool>;
  /** The whole row is decided before any call (refused at connect / list). */
  rowOutcome?: Classification;
  lastStatus?: number;
  lastWww?: string;
  dead: boolean;
  restarts: number;
}

function resultText(result: { content?: unknown[]; structuredContent?: unknown }): string {
  const parts: string[] = [];
  let size = 0;
  for (const c of result.content ?? []) {
    const item = c as { type?: string; text?: string };
    const t = item.type === 'text' && typeof item.text === 'string' ? item.text : `[${item.type ?? 'content'}]`;
    parts.push(t.slice(0, MAX_TEXT - size));
    size += t.length;
    if (size >= MAX_TEXT) break;
  }
  if (!parts.length && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent).slice(0, MAX_TEXT));
  return parts.join(' ');
}

const MAX_HTTP_BODY = 32 * 1024 * 1024;

/** A response whose body errors out past MAX_HTTP_BODY bytes (a huge or endless answer). */
function capBody(res: Response): Response {
  if (!res.body || [101, 204, 205, 304].includes(res.status)) return res;
  let seen = 0;
  const capped = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > MAX_HTTP_BODY) controller.error(new Error(`response larger than ${MAX_HTTP_BODY} bytes; dropped`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(capped, { status: res.status, statusText: res.statusText, headers: res.headers });
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export async function runMatrix(config: MatrixConfig, options: RunMatrixOptions): Promise<MatrixResult> {
  const started = Date.now();
  const emit = (e: MatrixEvent) => {
    try {
      options.onEvent?.(e);
    } catch { /* a listener's problem is not the run's */ }
  };
  const notes: string[] = [];
  const signal = options.signal;
  const concurrency = options.concurrency ?? config.concurrency ?? 4;
  const callTimeoutMs = options.callTimeoutMs ?? config.callTimeoutMs ?? 15_000;
  const startupTimeoutMs = config.server.startupTimeoutMs ?? 15_000;
  if (signal) setMaxListeners(0, signal);
  const unhook = installHooks(options.handleSignals !== false);
  let issuer: Issuer | undefined;
  let httpProc: ManagedProcess | undefined;
  let httpGeneration = 0;
  const sessions = new Map<string, Session>();
  const secrets: string[] = [];
  try {
    issuer = await startIssuer();
    const port = String(await freePort());
    const vars: Record<string, string> = { issuer: issuer.issuer, jwksUri: issuer.jwksUri, port };
    const url = config.server.url ? expandPlaceholders(config.server.url, vars) : undefined;
    vars.audience = expandPlaceholders(config.audience ?? config.server.url ?? 'mcp-secure-test', vars);
    const audience = vars.audience;
    if (url) {
      const u = new URL(url);
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new MatrixRunError(`server.url must be on 127.0.0.1 (got ${u.hostname})`);
    }
    const declared = Object.keys(config.principals);
    let principals = [...declared, ...HOSTILE_PRINCIPALS];
    if (options.onlyPrincipals) principals = principals.filter((p) => options.onlyPrincipals!.includes(p));

    // Tokens.
    const tokens = new Map<string, string | undefined>();
    const union = unionPrincipal(config.principals);
    for (const name of declared) tokens.set(name, await issuer.mint(config.principals[name]!, { audience, ttlMinutes: config.tokenTtlMinutes ?? 5 }));
    for (const h of HOSTILE_PRINCIPALS) tokens.set(h, await issuer.mintHostile(h as HostilePrincipal, union, audience));
    for (const t of tokens.values()) if (t) secrets.push(t);

    const cwd = path.resolve(options.cwd, config.server.cwd ? expandPlaceholders(config.server.cwd, vars) : '.');
    const baseEnv: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
    for (const [k, v] of Object.entries(config.server.env ?? {})) baseEnv[k] = expandPlaceholders(v, vars);
    // Servers may echo their environment (server-everything's get-env does): keep secret-looking values out of details.
    // Token-validation settings whose names merely mention auth (OAUTH_AUDIENCE, AUTH_ISSUER_URL) stay readable.
    for (const [k, v] of Object.entries(baseEnv)) {
      if (!v || v.length < 8 || PUBLIC_SETTING_NAME.test(k)) continue;
      if (/token|secret|passw|api_?key|access_?key|private|credential|auth|session|cookie/i.test(k)) secrets.push(v);
    }
    const tokenEnv = config.server.tokenEnv ?? DEFAULT_TOKEN_ENV;
    delete baseEnv[tokenEnv];
    const spec = (env: NodeJS.ProcessEnv): SpawnSpec => ({
      command: config.server.command,
      args: (config.server.args ?? []).map((a) => expandPlaceholders(a, vars)),
      cwd,
      env,
    });
    const output = (text: string, principal?: string) => emit({ type: 'output', text: excerpt(text, secrets, 2000), principal });
    const isHttp = config.server.transport === 'http' || config.server.transport === 'sse';

    // HTTP: one server process (restarted if it crashes).
    let restarting: Promise<void> | undefined;
    const startHttp = async () => {
      httpProc = new ManagedProcess(spec(baseEnv), (t) => output(t));
      try {
        await waitForPort(Number(new URL(url!).port || 80), startupTimeoutMs, httpProc, signal);
      } catch (err) {
        const tail = excerpt(httpProc.stderr.slice(-600), secrets, 600);
        await httpProc.stop();
        throw new MatrixRunError(`server did not start: ${(err as Error).message}${tail ? `; stderr: ${tail}` : ''}`);
      }
      httpGeneration++;
    };
    const ensureHttp = async () => {
      if (httpProc && !httpProc.exited) return;
      restarting ??= (async () => {
        notes.push(`HTTP server exited (${httpProc?.describeExit()}); restarted`);
        await httpProc?.stop();
        await startHttp();
      })().finally(() => {
        restarting = undefined;
      });
      await restarting;
    };
    if (isHttp) {
      if (!url) throw new MatrixRunError(`server.url is required for transport "${config.server.transport}"`);
      await startHttp();
    }

    /** fetch for one caller: its bearer token, the 2026-07-28 standard headers, status capture, a capped body. */
    const fetchFor = (token: string | undefined, s?: Session) => async (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      addStandardHeaders(headers, init);
      const res = await fetch(input, { ...init, headers });
      if (s && ((init?.method ?? 'GET').toUpperCase() === 'POST' || res.status === 401 || res.status === 403)) {
        s.lastStatus = res.status;
        s.lastWww = res.headers.get('www-authenticate') ?? undefined;
      }
      return capBody(res);
    };

    // Which revision: once per run, as a principal holding every declared scope and claim, the
    // SDK v2 client probes with server/discover and falls back to initialize. A server that
    // picks 2026-07-28 is then called over it by every principal (stateless, no initialize);
    // otherwise the SDK v1 client runs as it always did.
    let era: 'legacy' | 'modern' = 'legacy';
    const probeEra = async (): Promise<'legacy' | 'modern'> => {
      if (config.server.transport === 'sse') return 'legacy';
      const token = await issuer!.mint(union, { audience, ttlMinutes: config.tokenTtlMinutes ?? 5 });
      secrets.push(token);
      // A server that never answers the probe is a 2025 server (stdio) or an outage (HTTP):
      // either way, the 2025 path decides what happens next. One budget for the whole probe
      // (the SDK would otherwise follow a silent probe with an initialize of its own).
      const timeout = Math.min(startupTimeoutMs, 5000);
      const probe = new ModernClient('auto', timeout);
      let proc: ManagedProcess | undefined;
      let timer: NodeJS.Timeout | undefined;
      const attempt = (async (): Promise<'legacy' | 'modern'> => {
        if (isHttp) {
          await ensureHttp();
          await probe.connect(modernHttpTransport(new URL(url!), fetchFor(token)), { timeout, signal });
        } else {
          const env = { ...baseEnv, [tokenEnv]: token };
          proc = new ManagedProcess(spec(env), (t) => output(t));
          await probe.connect(asV2Transport(new ProcessStdioTransport(proc)), { timeout, signal });
        }
        return probe.negotiatedModern ? 'modern' : 'legacy';
      })().catch(() => 'legacy' as const);
      try {
        return await Promise.race([attempt, new Promise<'legacy'>((r) => (timer = setTimeout(() => r('legacy'), timeout)))]);
      } finally {
        clearTimeout(timer);
        await Promise.race([probe.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
        await (proc as ManagedProcess | undefined)?.stop();
        await Promise.race([attempt, new Promise((r) => setTimeout(r, 2000).unref())]);
      }
    };
    era = await probeEra();
    if (era === 'modern') notes.push(`the server speaks MCP ${MODERN_REVISION}: every principal called it over that revision (server/discover, no initialize, no session${isHttp ? '; Mcp-Method / Mcp-Name headers' : ''})`);

    const open = async (s: Session, principal: string, token: string | undefined, modern: boolean): Promise<void> => {
      if (isHttp) {
        await ensureHttp();
        s.generation = httpGeneration;
        if (modern) {
          const client = new ModernClient('pin');
          s.client = client;
          await client.connect(modernHttpTransport(new URL(url!), fetchFor(token, s)), { timeout: startupTimeoutMs, signal });
          return;
        }
        const client = new Client({ name: 'mcp-secure-matrix', version: '1.0.0' }, { capabilities: {} });
        s.client = legacyClient(client);
        const transport = config.server.transport === 'sse'
          ? new SSEClientTransport(new URL(url!), { fetch: fetchFor(token, s) })
          : new StreamableHTTPClientTransport(new URL(url!), { fetch: fetchFor(token, s) });
        await client.connect(transport, { timeout: startupTimeoutMs, signal });
      } else {
        const env = { ...baseEnv };
        if (token) env[tokenEnv] = token;
        s.proc = new ManagedProcess(spec(env), (t) => output(t, principal));
        const transport = new ProcessStdioTransport(s.proc, (line) => output(`non-JSON-RPC line on stdout: ${line}`, principal));
        if (modern) {
          const client = new ModernClient('pin');
          s.client = client;
          await client.connect(asV2Transport(transport), { timeout: startupTimeoutMs, signal });
          return;
        }
        const client = new Client({ name: 'mcp-secure-matrix', version: '1.0.0' }, { capabilities: {} });
        s.client = legacyClient(client);
        await client.connect(transport, { timeout: startupTimeoutMs, signal });
      }
    };

    const connect = async (principal: string): Promise<Session> => {
      const prev = sessions.get(principal);
      const s: Session = { generation: httpGeneration, dead: false, restarts: prev ? prev.restarts + 1 : 0 };
      sessions.set(principal, s);
      const token = tokens.get(principal);
      try {
        try {
          await open(s, principal, token, era === 'modern');
        } catch (err) {
          // A 2025 initialize refused as an unsupported revision: the server speaks only newer ones.
          if (era === 'modern' || !isUnsupportedRevision(err) || config.server.transport === 'sse') throw err;
          await closeSession(s);
          s.lastStatus = undefined;
          s.lastWww = undefined;
          notes.push(`${principal}: initialize refused as an unsupported revision; called over MCP ${MODERN_REVISION} instead`);
          await open(s, principal, token, true);
        }
      } catch (err) {
        s.dead = true;
        s.rowOutcome = await connectFailure(s, err);
        await closeSession(s);
        return s;
      }
      const client = s.client!;
      // tools/list (paginated, bounded)
      try {
        const listed = new Map<string, Tool>();
        let cursor: string | undefined;
        for (let page = 0; page < 20 && listed.size < MAX_TOOLS; page++) {
          s.lastStatus = undefined;
          const r = await client.listTools(cursor, { timeout: callTimeoutMs, signal });
          for (const t of r.tools) listed.set(t.name, t);
          cursor = r.nextCursor;
          if (!cursor) break;
        }
        s.listed = listed;
      } catch (err) {
        const obs = observe(s, err);
        const c = classify(obs, '', secrets);
        if (c.actual === 'deny' && (s.lastStatus === 401 || s.lastStatus === 403)) {
          s.rowOutcome = { actual: 'deny', detail: `tools/list refused: ${c.detail}` };
        } else notes.push(`${principal}: tools/list failed (${c.detail}); calling tools anyway`);
      }
      return s;
    };

    const connectFailure = async (s: Session, err: unknown): Promise<Classification> => {
      const handshake = s.client?.era === 'modern' ? 'server/discover' : 'initialize';
      if (s.lastStatus === 401 || s.lastStatus === 403) {
        return { actual: 'deny', detail: `refused at ${handshake}: HTTP ${s.lastStatus}${s.lastWww ? `; WWW-Authenticate: ${excerpt(s.lastWww, secrets)}` : ''}` };
      }
      if (s.proc) {
        await Promise.race([s.proc.exitedPromise, new Promise((r) => setTimeout(r, 300))]);
        const tail = excerpt(s.proc.stderr.slice(-800), secrets, 300);
        if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) return { actual: 'timeout', detail: `no ${handshake} response within ${startupTimeoutMs} ms${tail ? `; stderr: ${tail}` : ''}` };
        // exitedOnItsOwn, not !stopping: the SDK v2 client closes its transport (stopping the
        // process) when a connect fails, after the server has already exited by itself.
        if (s.proc.exited && s.proc.exitedOnItsOwn) {
          if (looksLikeAuthDenial(s.proc.stderr)) return { actual: 'deny', detail: `server refused to start for this principal (${s.proc.describeExit()}): ${tail}` };
          return { actual: 'error', detail: `server exited during startup (${s.proc.describeExit()})${tail ? `: ${tail}` : ''}` };
        }
        const msg = (err as Error).message ?? String(err);
        return { actual: 'error', detail: `${handshake} failed: ${excerpt(msg, secrets)}` };
      }
      const c = classify(observe(s, err), '', secrets);
      return { actual: c.actual, detail: `${handshake} failed: ${c.detail}` };
    };

    const observe = (s: Session, err: unknown): CallObservation => {
      const obs: CallObservation = { listed: undefined, httpStatus: s.lastStatus && s.lastStatus >= 400 ? s.lastStatus : undefined, wwwAuthenticate: s.lastWww };
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof McpError) {
        if (err.code === ErrorCode.RequestTimeout) obs.error = { kind: 'timeout', code: err.code, message: `no response within ${callTimeoutMs} ms` };
        else if (err.code === ErrorCode.ConnectionClosed || s.proc?.exited) {
          obs.error = s.proc?.exited
            ? { kind: 'crash', code: err.code, message: `server process ${s.proc.describeExit()} during the call; stderr: ${s.proc.stderr.slice(-400)}` }
            : { kind: 'transport', code: err.code, message };
        } else obs.error = { kind: 'jsonrpc', code: err.code, message };
      } else if (s.proc?.exited) {
        obs.error = { kind: 'crash', message: `server process ${s.proc.describeExit()}: ${message}; stderr: ${s.proc.stderr.slice(-400)}` };
      } else if (isHttp && httpProc?.exited) {
        obs.error = { kind: 'crash', message: `HTTP server ${httpProc.describeExit()}: ${message}; stderr: ${httpProc.stderr.slice(-400)}` };
      } else {
        const code = (err as { code?: unknown }).code;
        obs.error = { kind: obs.httpStatus ? 'http' : 'transport', code: typeof code === 'number' ? code : undefined, message };
      }
      return obs;
    };

    // Phase 1: connect and list as every principal.
    await pool(principals, concurrency, async (p) => {
      if (signal?.aborted) return;
      await connect(p);
    });

    // The tools: those the file names, then those any principal saw listed.
    const defs = new Map<string, Tool>();
    for (const s of sessions.values()) for (const [n, t] of s.listed ?? []) if (!defs.has(n)) defs.set(n, t);
    let tools = [...Object.keys(config.tools ?? {}), ...[...defs.keys()].filter((n) => !(config.tools && n in config.tools))];
    if (options.onlyTools) tools = tools.filter((t) => options.onlyTools!.includes(t));
    if ([...sessions.values()].every((s) => s.rowOutcome?.actual === 'error' || s.rowOutcome?.actual === 'timeout')) {
      const first = [...sessions.values()][0]?.rowOutcome?.detail ?? 'unknown reason';
      throw new MatrixRunError(`the server could not be used by any principal: ${first}`);
    }

    // Destructive tools need the file's (or the user's) consent.
    const destructive = tools.filter((t) => defs.get(t)?.annotations?.destructiveHint === true);
    let blocked = destructive.filter((t) => {
      const named = config.tools?.[t];
      return !(config.runDestructive || (named && (named.allow !== undefined || named.args !== undefined || named.public)));
    });
    if (blocked.length && options.confirmDestructive && (await options.confirmDestructive(blocked))) blocked = [];

    for (const p of principals) for (const t of tools) emit({ type: 'enqueued', principal: p, tool: t });
    const cells = new Map<string, MatrixCell>();
    const finish = (cell: MatrixCell) => {
      cells.set(`${cell.principal}\u0000${cell.tool}`, cell);
      emit(cell.actual === 'skipped' ? { type: 'skipped', cell } : cell.pass ? { type: 'passed', cell } : { type: 'failed', cell });
    };

    // Phase 2: every tool as every principal (sequential per principal, principals in parallel).
    await pool(principals, concurrency, async (principal) => {
      for (const tool of tools) {
        const { expected, why } = expectationFor(config, principal, tool);
        const t0 = Date.now();
        const make = (c: Classification): MatrixCell => {
          const actual = c.actual;
          const pass = cellPasses(expected, actual);
          const suffix = !pass ? ` [expected ${expected}: ${why}]` : expected === 'none' && actual !== 'skipped' ? ' [no expectation]' : '';
          return { principal, tool, expected, actual, pass, detail: c.detail + suffix, hostile: isHostile(principal), durationMs: Date.now() - t0 };
        };
        emit({ type: 'started', principal, tool });
        if (signal?.aborted) {
          finish(make({ actual: 'skipped', detail: 'cancelled' }));
          continue;
        }
        if (blocked.includes(tool)) {
          finish(make({ actual: 'skipped', detail: 'destructive tool (annotations.destructiveHint) not allowed by the matrix file: name it in "tools" or set "runDestructive": true' }));
          continue;
        }
        let s = sessions.get(principal)!;
        const stale = isHttp && s.generation !== httpGeneration;
        if ((s.dead && !s.rowOutcome) || stale || (isHttp && httpProc?.exited)) {
          if (s.restarts >= MAX_RESTARTS) {
            finish(make({ actual: 'error', detail: `server not restarted again for ${principal} (${MAX_RESTARTS} restarts)` }));
            continue;
          }
          await closeSession(s);
          try {
            s = await connect(principal);
            if (!isHttp) notes.push(`${principal}: server process restarted before ${tool}`);
          } catch (err) {
            finish(make({ actual: 'error', detail: `restart failed: ${excerpt((err as Error).message, secrets)}` }));
            continue;
          }
        }
        if (s.rowOutcome) {
          finish(make(s.rowOutcome));
          continue;
        }
        const def = defs.get(tool);
        const args = config.tools?.[tool]?.args ?? (def ? argsFromInputSchema(def.inputSchema) : {});
        const listed = s.listed ? s.listed.has(tool) : undefined;
        s.lastStatus = undefined;
        s.lastWww = undefined;
        let obs: CallObservation;
        try {
          const r = await s.client!.callTool(tool, args, { timeout: callTimeoutMs, signal });
          obs = { listed, result: { isError: r.isError === true, text: resultText(r) } };
        } catch (err) {
          // A transport failure may be the server dying: give its exit a moment to be seen.
          // A JSON-RPC error the server sent (a denial, an unknown tool) proves it alive: no wait.
          const proc = isHttp ? httpProc : s.proc;
          const answered = err instanceof McpError && err.code !== ErrorCode.ConnectionClosed;
          if (proc && !proc.exited && !answered) {
            await Promise.race([proc.exitedPromise, new Promise((r) => setTimeout(r, 500).unref())]);
          }
          obs = { ...observe(s, err), listed };
          if (!isHttp && (obs.error?.kind === 'crash' || obs.error?.kind === 'timeout' || s.proc?.exited)) s.dead = true;
        }
        const c = classify(obs, tool, secrets);
        finish(make(c));
      }
    });

    const ordered: MatrixCell[] = [];
    for (const p of principals) for (const t of tools) {
      const c = cells.get(`${p}\u0000${t}`);
      if (c) ordered.push(c);
    }
    const failed = ordered.filter((c) => !c.pass).length;
    return {
      server: { transport: config.server.transport, command: config.server.command, url },
      principals,
      tools,
      cells: ordered,
      summary: {
        total: ordered.length,
        passed: ordered.length - failed,
        failed,
        skipped: ordered.filter((c) => c.actual === 'skipped').length,
        noExpectation: ordered.filter((c) => c.expected === 'none').length,
        durationMs: Date.now() - started,
      },
      notes: notes.map((n) => excerpt(n, secrets, 400)),
    };
  } finally {
    await Promise.all([...sessions.values()].map((s) => closeSession(s)));
    await httpProc?.stop();
    await issuer?.close();
    unhook();
  }
}

async function closeSession(s: Session): Promise<void> {
  const client = s.client;
  s.client = undefined;
  try {
    await Promise.race([client?.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
  } catch { /* closing */ }
  await s.proc?.stop();
}

// In the same bundle (dist/matrix.js) for "Create Principal Matrix": start, tools/list, stop.
export { probeServerTools, type ProbeOptions, type ProbeResult } from './probe';
