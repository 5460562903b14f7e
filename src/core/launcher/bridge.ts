/**
 * `mcp-secure run --bridge <url> [--header "Name: value"]...`: a stdio ↔ Streamable HTTP
 * bridge for clients that cannot send secret headers themselves (Claude Desktop). The client
 * starts the launcher as a stdio server; every JSON-RPC message it writes is POSTed to the
 * remote server with the configured headers, and every message the remote sends back (JSON
 * or SSE) is written to stdout.
 *
 * Header values may be `keyring://…` references, or `<scheme> <reference>` (`Bearer
 * keyring://…`); the URL may be a reference as a whole. Resolution fails closed before
 * anything is read from stdin. A failed request gets a JSON-RPC error back (so the client
 * shows it) and one stderr line; no header value is ever printed: every resolved or literal
 * header value is scrubbed from any text that leaves this module.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { redactUrl } from '../util/redact';
import { exitCodeFor, FORWARDED_SIGNALS, type SignalSource } from './child';
import { needsKeychain, ReferenceResolver, scrub, type SecretReader } from './references';
import { EXIT_UNRESOLVED, EXIT_USAGE, reportProblems } from './run';

export const BRIDGE_PREFIX = 'mcp-secure run:';

/** JSON-RPC error code the bridge answers with when the remote request failed. */
export const BRIDGE_ERROR_CODE = -32000;

export interface HeaderArg {
  name: string;
  value: string;
}

/** `"Authorization: Bearer x"` → { name, value }; undefined when there is no `name:` part. */
export function parseHeaderArg(text: string): HeaderArg | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const name = text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
  return { name, value: text.slice(colon + 1).trim() };
}

export interface BridgeOptions {
  /** The remote MCP endpoint, or a keyring:// reference to it. */
  url: string;
  headers: readonly HeaderArg[];
  stderr: (line: string) => void;
  openKeychain: () => SecretReader;
  stdin?: Readable;
  stdout?: Writable;
  signals?: SignalSource;
  /** How long to wait for the session DELETE when the client goes away. */
  closeTimeoutMs?: number;
}

function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: string | number; method: string } {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

/** Is the URL's host this machine (credentials over plain HTTP are then acceptable)? */
function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Runs the bridge until the client closes stdin (0) or a signal arrives (128+n). */
export async function runBridge(options: BridgeOptions): Promise<number> {
  const { stderr } = options;
  const say = (line: string) => stderr(`${BRIDGE_PREFIX} ${line}`);

  // 1. Resolve the URL and headers, fail closed.
  for (const header of options.headers) {
    if (/[\r\n\0]/.test(header.value)) {
      say(`header ${header.name} contains a line break or NUL character; fix the --header argument.`);
      return EXIT_USAGE;
    }
  }
  let url = options.url;
  const headers: Record<string, string> = {};
  const secrets = new Set<string>();
  if (needsKeychain({}, [], [options.url, ...options.headers.map((h) => h.value)])) {
    let reader: SecretReader;
    try {
      reader = options.openKeychain();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      say(`cannot read the bridge's references from the OS keychain: ${text}`);
      say('not starting the bridge: its secrets could not be read.');
      return EXIT_UNRESOLVED;
    }
    const resolver = new ReferenceResolver(reader);
    url = await resolver.resolveUrl(options.url);
    for (const header of options.headers) headers[header.name] = await resolver.resolveHeader(header.name, header.value);
    const problems = await resolver.problems();
    if (problems.length > 0) {
      reportProblems(problems, stderr, 'not starting the bridge: a keyring reference could not be resolved.');
      return EXIT_UNRESOLVED;
    }
    for (const value of resolver.values) secrets.add(value);
  } else {
    for (const header of options.headers) headers[header.name] = header.value;
  }
  for (const value of Object.values(headers)) {
    secrets.add(value);
    // `Bearer <token>`: the token alone too.
    const token = /^\S+\s+(\S.*)$/.exec(value)?.[1];
    if (token) secrets.add(token);
  }
  const clean = (text: string) => scrub(text, secrets);
  const shownUrl = options.url.startsWith('keyring://') ? options.url : redactUrl(options.url);

  let endpoint: URL;
  try {
    endpoint = new URL(url);
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new Error('not http');
  } catch {
    say(`${shownUrl} is not an http(s) URL; fix the --bridge argument.`);
    return EXIT_USAGE;
  }
  if (endpoint.protocol === 'http:' && !isLoopback(endpoint) && options.headers.length > 0) {
    say(`warning: sending headers to ${shownUrl} over plain HTTP; anyone on the network path can read them. Use https.`);
  }

  // 2. Wire the two transports.
  const local = new StdioServerTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout);
  const remote = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } });
  const reported = new WeakSet<object>();
  const initializeIds = new Set<string | number>();

  const describe = (error: unknown): string => {
    if (error instanceof StreamableHTTPError) {
      const status = error.code;
      const detail = clean(error.message.replace(/^Streamable HTTP error: /, '')).slice(0, 300);
      if (status === 401 || status === 403) {
        const names = options.headers.map((h) => h.name).join(', ') || 'none given';
        return `the remote server at ${shownUrl} refused the request (HTTP ${status}); check the credentials the bridge sends (headers: ${names}) and the keychain entries they reference. ${detail}`;
      }
      return `the remote server at ${shownUrl} answered with an error${status !== undefined && status > 0 ? ` (HTTP ${status})` : ''}: ${detail}`;
    }
    if (error instanceof Error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      if (error.message === 'fetch failed' || cause?.code) {
        return `cannot reach ${shownUrl}: ${clean(cause?.code ?? cause?.message ?? error.message)}`;
      }
      return `the connection to ${shownUrl} failed: ${clean(error.message).slice(0, 300)}`;
    }
    return `the connection to ${shownUrl} failed: ${clean(String(error)).slice(0, 300)}`;
  };
  const report = (error: unknown) => {
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return;
      reported.add(error);
    }
    say(describe(error));
  };

  let closing = false;
  remote.onerror = (error) => {
    if (!closing) report(error);
  };
  remote.onmessage = (message) => {
    if ('id' in message && message.id !== undefined && initializeIds.has(message.id) && 'result' in message) {
      initializeIds.delete(message.id);
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
    }
    local.send(message).catch(() => undefined);
  };
  local.onerror = (error) => say(`could not read a message from the client: ${clean(error.message)}`);
  local.onmessage = (message) => {
    if (isRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    remote.send(message).catch((error: unknown) => {
      report(error);
      if (isRequest(message)) {
        local
          .send({ jsonrpc: '2.0', id: message.id, error: { code: BRIDGE_ERROR_CODE, message: `mcp-secure bridge: ${describe(error)}` } })
          .catch(() => undefined);
      }
    });
  };

  await remote.start();
  await local.start();

  // 3. Run until the client goes away or a signal arrives.
  const stdin = options.stdin ?? process.stdin;
  const signals = options.signals ?? process;
  return new Promise<number>((resolve) => {
    const handlers = new Map<NodeJS.Signals, () => void>();
    const finish = async (code: number) => {
      if (closing) return;
      closing = true;
      for (const [signal, handler] of handlers) signals.off(signal, handler);
      stdin.off('end', onEnd);
      stdin.off('close', onEnd);
      const timeout = new Promise<void>((r) => setTimeout(r, options.closeTimeoutMs ?? 2000).unref());
      await Promise.race([remote.terminateSession().catch(() => undefined), timeout]);
      await remote.close().catch(() => undefined);
      await local.close().catch(() => undefined);
      resolve(code);
    };
    const onEnd = () => void finish(0);
    stdin.once('end', onEnd);
    stdin.once('close', onEnd);
    for (const signal of FORWARDED_SIGNALS) {
      const handler = () => void finish(exitCodeFor(null, signal));
      handlers.set(signal, handler);
      try {
        signals.on(signal, handler);
      } catch {
        // not listenable on this platform
      }
    }
  });
}
