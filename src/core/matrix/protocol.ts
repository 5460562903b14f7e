/**
 * Protocol revisions the harness speaks. SDK v1's client (@modelcontextprotocol/sdk) speaks
 * the 2025 revisions (initialize handshake, optional Mcp-Session-Id); SDK v2's client
 * (@modelcontextprotocol/client) also speaks 2026-07-28: no initialize and no session, a
 * `server/discover` probe, a `_meta` envelope on every request and the `MCP-Protocol-Version`,
 * `Mcp-Method` and `Mcp-Name` HTTP headers (a server answers a mismatch with -32020).
 *
 * The harness decides once per run: a probe with the v2 client in `auto` negotiation (as a
 * principal holding every scope) tells whether the server speaks 2026-07-28. If it does, every
 * principal talks 2026-07-28 through the v2 client; otherwise the v1 client runs exactly as it
 * always did (its HTTP requests now also carry Mcp-Method / Mcp-Name, which 2025 servers
 * ignore). A 2025 connect that a server refuses as an unsupported revision falls back to
 * 2026-07-28 for that principal.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  Client as ClientV2,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  StreamableHTTPClientTransport as StreamableHTTPClientTransportV2,
  type Transport as TransportV2,
} from '@modelcontextprotocol/client';

export const MODERN_REVISION = '2026-07-28';
/** JSON-RPC error code of an unsupported protocol revision (2026-07-28: UnsupportedProtocolVersion). */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export interface CallOptions {
  timeout: number;
  signal?: AbortSignal;
}

/** What the harness needs from a connected client, whichever SDK and revision. */
export interface MatrixClient {
  /** 'legacy' (2025 revisions, SDK v1 client) or 'modern' (2026-07-28, SDK v2 client). */
  readonly era: 'legacy' | 'modern';
  listTools(cursor: string | undefined, options: CallOptions): Promise<{ tools: Tool[]; nextCursor?: string }>;
  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** The v1 client, used exactly as before. */
export function legacyClient(client: Client): MatrixClient {
  return {
    era: 'legacy',
    listTools: (cursor, o) => client.listTools(cursor ? { cursor } : {}, { timeout: o.timeout, signal: o.signal }),
    callTool: (name, args, o) => client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, { timeout: o.timeout, signal: o.signal }),
    close: () => client.close(),
  };
}

/**
 * SDK v2 errors as the v1 McpError the classifier knows: a JSON-RPC error keeps its code, a
 * timeout / closed connection get v1's codes; HTTP-level failures (401/403 …) stay plain errors
 * (the status itself is recorded by the harness's fetch wrapper).
 */
export function toV1Error(err: unknown): unknown {
  if (err instanceof ProtocolError) return new McpError(err.code, err.message.replace(/^(?:MCP error -?\d+:\s*)+/, ''), err.data);
  if (err instanceof SdkError) {
    if (err.code === SdkErrorCode.RequestTimeout) return new McpError(ErrorCode.RequestTimeout, err.message);
    if (err.code === SdkErrorCode.ConnectionClosed) return new McpError(ErrorCode.ConnectionClosed, err.message);
    const e = new Error(err.message);
    (e as Error & { sdkCode?: string }).sdkCode = err.code;
    return e;
  }
  return err;
}

/** The v2 client, pinned to 2026-07-28 (connect sends server/discover, never initialize). */
export class ModernClient implements MatrixClient {
  readonly era = 'modern' as const;
  readonly client: ClientV2;

  constructor(mode: 'pin' | 'auto' = 'pin', probeTimeoutMs?: number) {
    this.client = new ClientV2(
      { name: 'mcp-secure-matrix', version: '1.0.0' },
      {
        capabilities: {},
        versionNegotiation: mode === 'pin' ? { mode: { pin: MODERN_REVISION } } : { mode: 'auto', probe: probeTimeoutMs ? { timeoutMs: probeTimeoutMs } : {} },
        // The harness sees every denial itself: no elicitation round trips on its behalf.
        inputRequired: { autoFulfill: false },
      },
    );
  }

  async connect(transport: TransportV2, options: CallOptions): Promise<void> {
    try {
      await this.client.connect(transport, { timeout: options.timeout, signal: options.signal });
    } catch (err) {
      throw toV1Error(err);
    }
  }

  /** After an `auto` connect: did the server pick 2026-07-28 (or later)? */
  get negotiatedModern(): boolean {
    return this.client.getProtocolEra() === 'modern';
  }

  get serverName(): string | undefined {
    return this.client.getServerVersion()?.name;
  }

  async listTools(cursor: string | undefined, o: CallOptions): Promise<{ tools: Tool[]; nextCursor?: string }> {
    try {
      const r = await this.client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, { timeout: o.timeout, signal: o.signal });
      return r as unknown as { tools: Tool[]; nextCursor?: string };
    } catch (err) {
      throw toV1Error(err);
    }
  }

  async callTool(name: string, args: Record<string, unknown>, o: CallOptions): Promise<CallToolResult> {
    try {
      const r = await this.client.request({ method: 'tools/call', params: { name, arguments: args } }, { timeout: o.timeout, signal: o.signal });
      return r as unknown as CallToolResult;
    } catch (err) {
      throw toV1Error(err);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The v2 Streamable HTTP client transport (it sends MCP-Protocol-Version, Mcp-Method and Mcp-Name itself). */
export function modernHttpTransport(url: URL, fetchImpl: (input: string | URL | Request, init?: RequestInit) => Promise<Response>): TransportV2 {
  return new StreamableHTTPClientTransportV2(url, { fetch: fetchImpl });
}

/** A v1-shaped transport (the harness's stdio transport) used by the v2 client: the interfaces match. */
export function asV2Transport(t: Transport): TransportV2 {
  return t as unknown as TransportV2;
}

/** Which body field `Mcp-Name` mirrors, per method (2026-07-28 Streamable HTTP binding). */
const NAME_SOURCE: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

/** A header value as the spec encodes it: plain printable ASCII as is, anything else as =?base64?…?=. */
export function encodeHeaderValue(value: string): string {
  const plain = value.length > 0 && value === value.trim() && !(value.startsWith('=?base64?') && value.endsWith('?=')) && /^[\t\x20-\x7e]*$/.test(value);
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * Adds the 2026-07-28 standard headers to a JSON-RPC request POST when the client did not
 * (SDK v1): `Mcp-Method` = the body's method, `Mcp-Name` = params.name / uri / taskId. Batches,
 * responses and bodies that are not JSON are left alone; headers already set are kept.
 */
export function addStandardHeaders(headers: Headers, init: RequestInit | undefined): void {
  if ((init?.method ?? 'GET').toUpperCase() !== 'POST' || typeof init?.body !== 'string') return;
  let msg: unknown;
  try {
    msg = JSON.parse(init.body);
  } catch {
    return;
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return;
  const { method, params } = msg as { method?: unknown; params?: Record<string, unknown> };
  if (typeof method !== 'string' || !/^[\x21-\x7e]+$/.test(method)) return;
  if (!headers.has('mcp-method')) headers.set('mcp-method', method);
  const field = NAME_SOURCE[method];
  const value = field && params && typeof params === 'object' ? params[field] : undefined;
  if (typeof value === 'string' && !headers.has('mcp-name')) headers.set('mcp-name', encodeHeaderValue(value));
}

/** A 2025 connect refused because the server speaks only newer revisions. */
export function isUnsupportedRevision(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (code === UNSUPPORTED_PROTOCOL_VERSION) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /unsupported protocol version|protocol version .{0,40}not supported/i.test(message) && message.includes(MODERN_REVISION);
}
