/** Types of the principal matrix: the file (mcp-matrix.json), its cells and the run's events. */

/** stdio; Streamable HTTP; legacy HTTP+SSE (2024-11-05). */
export type Transport = 'stdio' | 'http' | 'sse';

export interface MatrixServerConfig {
  transport: Transport;
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** http: where the harness connects (placeholders allowed). */
  url?: string;
  /** stdio: env var that carries the principal's token. */
  tokenEnv?: string;
  startupTimeoutMs?: number;
}

export interface MatrixPrincipal {
  sub: string;
  scopes?: string[];
  claims?: Record<string, unknown>;
  clientId?: string;
}

export interface MatrixToolConfig {
  args?: Record<string, unknown>;
  allow?: string[];
  public?: boolean;
}

export interface MatrixConfig {
  server: MatrixServerConfig;
  audience?: string;
  principals: Record<string, MatrixPrincipal>;
  tools?: Record<string, MatrixToolConfig>;
  /** Run tools annotated destructiveHint: true even when the file does not name them. */
  runDestructive?: boolean;
  callTimeoutMs?: number;
  concurrency?: number;
  /** Token lifetime in minutes (default 5). */
  tokenTtlMinutes?: number;
}

export const HOSTILE_PRINCIPALS = ['anonymous', 'expired', 'wrong-audience', 'wrong-issuer', 'bad-signature', 'alg-none'] as const;
export type HostilePrincipal = (typeof HOSTILE_PRINCIPALS)[number];

export type Expected = 'allow' | 'deny' | 'none';
export type Actual = 'allow' | 'deny' | 'error' | 'timeout' | 'skipped';

export interface MatrixCell {
  principal: string;
  tool: string;
  expected: Expected;
  actual: Actual;
  /** true when actual matches expected; also true for "no expectation" and skipped cells. */
  pass: boolean;
  /** Why the cell was classified so: status code, error code, message excerpt (never a token). */
  detail: string;
  hostile: boolean;
  durationMs: number;
}

export interface MatrixResult {
  server: { transport: Transport; command: string; url?: string };
  principals: string[];
  tools: string[];
  cells: MatrixCell[];
  summary: { total: number; passed: number; failed: number; skipped: number; noExpectation: number; durationMs: number };
  /** Problems that did not stop the run (e.g. a server restart). */
  notes: string[];
}

export type MatrixEvent =
  | { type: 'enqueued'; principal: string; tool: string }
  | { type: 'started'; principal: string; tool: string }
  | { type: 'passed'; cell: MatrixCell }
  | { type: 'failed'; cell: MatrixCell }
  | { type: 'skipped'; cell: MatrixCell }
  | { type: 'output'; text: string; principal?: string; tool?: string };

export interface MatrixProblem {
  message: string;
  /** JSON path, e.g. "server.transport". */
  path: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
}

export class MatrixRunError extends Error {}
