/**
 * The data model shared by every capability. Plain, serialisable objects in editor terms
 * (offsets plus 1-based line/column), never `vscode` types, so the CLI, the extension and a
 * future worker thread all speak it.
 */

/** A place in a text file. `line` and `column` are 1-based; `offset` is a 0-based UTF-16 index. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** A half-open range [start, end) in one file. */
export interface SourceRange {
  start: Position;
  end: Position;
}

/** A scalar from a config file, with where it sits, so later capabilities can edit it in place. */
export interface Located<T = string> {
  value: T;
  range: SourceRange;
}

/** One key/value pair of an env block, a headers map or similar. */
export interface LocatedEntry {
  key: string;
  keyRange: SourceRange;
  /** The value as a string (numbers and booleans are stringified); `range` covers the literal including quotes. */
  value: string;
  range: SourceRange;
  /** false when the value is not a string literal in the file (a number, a nested object...). */
  isString: boolean;
}

export type Transport = 'stdio' | 'http' | 'sse';

/** Path of keys from the document root to a node: `['mcpServers', 'github', 'env', 'TOKEN']`. */
export type NodePath = Array<string | number>;

/** One MCP server entry in a client config, normalised across every client's format. */
export interface ConfigServer {
  name: string;
  nameRange: SourceRange;
  /** Range of the whole entry (its value object). */
  range: SourceRange;
  /** Path to the entry's object from the document root. */
  path: NodePath;
  transport: Transport;
  command?: Located;
  args: Located[];
  env: LocatedEntry[];
  cwd?: Located;
  url?: Located;
  headers: LocatedEntry[];
  /** Entry is switched off in the client (`disabled: true`, `enabled: false`). */
  disabled: boolean;
}

export type ClientId =
  | 'vscode'
  | 'claude-desktop'
  | 'claude-code'
  | 'cursor'
  | 'windsurf'
  | 'gemini'
  | 'codex'
  | 'zed'
  | 'continue'
  | 'cline'
  | 'roo'
  | 'kilo'
  | 'amazonq'
  | 'kiro'
  | 'opencode'
  | 'goose'
  | 'copilot-cli'
  | 'visual-studio'
  | 'antigravity'
  | 'lmstudio'
  | 'crush';

export type ConfigScope = 'workspace' | 'user' | 'managed';
export type ConfigFormat = 'json' | 'jsonc' | 'toml' | 'yaml';

/** A problem found while reading a file: a parse error, a skipped file, a symlink loop. */
export interface FileProblem {
  file: string;
  message: string;
  range?: SourceRange;
  /** 'error' for a malformed config the user must fix; 'note' for a skipped file. */
  severity: 'error' | 'note';
}

/** A client configuration file that holds (or may hold) MCP servers. */
export interface ClientConfig {
  /** Absolute path on disk. Reporters relativise it. */
  path: string;
  client: ClientId;
  scope: ConfigScope;
  format: ConfigFormat;
  /** The structural family it was read as (see ConfigShape in discovery/configParse.ts). */
  shape: string;
  /** Shared with non-MCP settings (only reported when it configures servers). */
  shared: boolean;
  servers: ConfigServer[];
  problems: FileProblem[];
}

export type ServerLanguage = 'typescript' | 'javascript' | 'python' | 'go';

export type ServerFramework =
  | 'mcp-sdk'
  | 'mcp-sdk-v2'
  | 'fastmcp'
  | 'mcp-framework'
  /** Vercel's `mcp-handler` (formerly `@vercel/mcp-adapter`): the SDK's McpServer behind an HTTP route. */
  | 'mcp-handler'
  /** xmcp: file-based tools (`src/tools/*.ts`). */
  | 'xmcp'
  | 'mcp-python'
  | 'fastmcp-python'
  | 'go-sdk'
  | 'mcp-go';

/** A tool a server project registers. */
export interface ToolInfo {
  name: string;
  /** Absolute path of the file that registers it. */
  file: string;
  line: number;
  column: number;
  /** Range of the tool's name literal (where diagnostics and jumps land). */
  range: SourceRange;
}

/** An MCP server implemented in the scanned tree. */
export interface ServerProject {
  /** Absolute path of the project root (the folder of its manifest). */
  root: string;
  /** Absolute path of the manifest that named the MCP dependency. */
  manifest: string;
  language: ServerLanguage;
  framework: ServerFramework;
  transports: Transport[];
  tools: ToolInfo[];
  /** Absolute paths of the project's own source files (what later analyses read). */
  sources: string[];
  problems: FileProblem[];
}

export interface DiscoveryResult {
  /** Absolute path of the scanned root (workspace folder). */
  root: string;
  servers: ServerProject[];
  configs: ClientConfig[];
  /** `.env`, `.env.local`, ... files: where keys sit next to servers. */
  envFiles: Array<{ path: string; gitignored: boolean }>;
  /** Every file the walk kept that .gitignore does not cover (absolute paths), when asked for (`listFiles`). */
  files?: string[];
  /** Files skipped or unreadable during the walk (too large, binary, loops...). */
  problems: FileProblem[];
}

export type FindingCategory = 'secret' | 'authz' | 'config';
export type FindingSeverity = 'error' | 'warning' | 'info';

/** Something a rule reports at a place in a file. Never carries a secret's value. */
export interface Finding {
  ruleId: string;
  category: FindingCategory;
  severity: FindingSeverity;
  /** Absolute path. */
  file: string;
  range: SourceRange;
  /** Human-readable, redacted. */
  message: string;
  /** Authorization findings: the tool's name. */
  tool?: string;
  secret?: {
    provider: string;
    /** A short prefix and the last 4 characters at most. */
    redacted: string;
    /** Where it sits: 'env', 'header', 'arg', 'url', 'dotenv', 'source', ... */
    location: string;
    /** The env/header/setting name it is the value of, when there is one. */
    key?: string;
    /** Tracked by git / seen in history: moving it does not un-leak it. */
    gitExposure?: 'tracked' | 'history';
  };
  /** Set on suppressed findings: the `mcp-secure-ignore` comment that silenced it. */
  suppression?: { line: number; reason: string };
  /** Other places that explain the finding (the sensitive call, the missing check...). */
  related?: Array<{ file: string; range: SourceRange; message: string }>;
  /**
   * Stable identity for baselines and SARIF partialFingerprints: derived from rule, file,
   * and content (a salted hash for secrets), not from the line number.
   */
  fingerprint: string;
}
