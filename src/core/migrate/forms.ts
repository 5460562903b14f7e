/**
 * How each config shape writes a server's launch, as data: where the command and its
 * arguments go (the wrap under the launcher), and how a remote entry becomes a stdio entry
 * running the launcher's bridge. Mirrors the read side's dialects in discovery/configParse.ts.
 */
import type { ConfigShape } from '../discovery/configParse';

export interface LaunchForm {
  /** Property holding the executable: `command` (Goose: `cmd`). */
  commandKey: string;
  /** 'array': `command: [exe, ...args]` (opencode); 'zed': a string or the legacy `{path, args, env}`. */
  commandForm: 'string' | 'array' | 'zed';
  /** Remote address fields, in the order the reader prefers them; `sse` ones cannot be bridged. */
  urlKeys: ReadonlyArray<{ key: string; sse: boolean }>;
  /** Header maps, as property paths from the entry. */
  headerPaths: readonly string[][];
  /** Scalars that are a bearer token on their own (Codex `bearer_token`): become `Authorization: Bearer …`. */
  bearerKeys: readonly string[];
  /** Remote-only settings a stdio entry may not carry and the bridge cannot honour: such entries are skipped. */
  remoteOnlyKeys: readonly string[];
  /** The `type` value that means stdio in this client (written when the entry has a `type`). */
  stdioType: string;
}

const STANDARD: LaunchForm = {
  commandKey: 'command',
  commandForm: 'string',
  urlKeys: [{ key: 'url', sse: false }],
  headerPaths: [['headers']],
  bearerKeys: [],
  remoteOnlyKeys: [],
  stdioType: 'stdio',
};

export const LAUNCH_FORMS: Record<ConfigShape, LaunchForm> = {
  'mcp-servers': STANDARD,
  'mcp-servers-serverurl': { ...STANDARD, urlKeys: [{ key: 'serverUrl', sse: false }, { key: 'url', sse: false }] },
  // Gemini: `httpUrl` is Streamable HTTP, `url` is SSE.
  'mcp-servers-httpurl': { ...STANDARD, urlKeys: [{ key: 'httpUrl', sse: false }, { key: 'url', sse: true }] },
  'dot-mcp-json': STANDARD,
  'vscode-servers': STANDARD,
  'vscode-settings': STANDARD,
  'code-workspace': STANDARD,
  devcontainer: STANDARD,
  'claude-json': STANDARD,
  zed: { ...STANDARD, commandForm: 'zed' },
  codex: { ...STANDARD, headerPaths: [['http_headers']], bearerKeys: ['bearer_token'], remoteOnlyKeys: ['bearer_token_env_var', 'env_http_headers'] },
  opencode: { ...STANDARD, commandForm: 'array', stdioType: 'local' },
  crush: STANDARD,
  continue: { ...STANDARD, headerPaths: [['headers'], ['requestOptions', 'headers']] },
  goose: { ...STANDARD, commandKey: 'cmd', urlKeys: [{ key: 'uri', sse: false }] },
};

/** `type` spellings that mean SSE (the bridge speaks Streamable HTTP only). */
export const SSE_TYPES: ReadonlySet<string> = new Set(['sse']);

/** Keys naming the transport. */
export const TYPE_KEYS = ['type', 'transportType'] as const;
