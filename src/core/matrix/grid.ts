/**
 * The principal matrix as a grid (tools × principals) for the editor's grid view: the last
 * results merged cell by cell (a re-run of one cell replaces that cell only), and cells not run
 * yet carrying the matrix file's expectation. Plain data; the webview only renders it.
 */
import { expectationFor, isHostile } from './classify';
import { HOSTILE_PRINCIPALS, type Actual, type Expected, type MatrixCell, type MatrixConfig, type MatrixResult } from './types';

export type GridState = Actual | 'not-run';

export interface GridCell {
  tool: string;
  principal: string;
  state: GridState;
  expected: Expected;
  /** Ran, and the outcome differs from the expectation. Never true for cells not run. */
  mismatch: boolean;
  /** Why the harness classified it so (already scrubbed by the harness: never a token). */
  detail: string;
  hostile: boolean;
  durationMs?: number;
}

export interface GridModel {
  /** Absolute path of the matrix file (the grid's key). */
  file: string;
  title: string;
  tools: string[];
  principals: string[];
  /** Row-major: cells[i * principals.length + j] is tools[i] × principals[j]. */
  cells: GridCell[];
  summary: { total: number; run: number; asExpected: number; mismatches: number; skipped: number; noExpectation: number };
  /** When the newest results finished (ms since epoch), if any. */
  finishedAt?: number;
  durationMs?: number;
  notes: string[];
  /** The file could not be read: why. */
  error?: string;
}

const key = (principal: string, tool: string) => `${principal}\u0000${tool}`;

function summarise(cells: readonly MatrixCell[], durationMs: number): MatrixResult['summary'] {
  const failed = cells.filter((c) => !c.pass).length;
  return {
    total: cells.length,
    passed: cells.length - failed,
    failed,
    skipped: cells.filter((c) => c.actual === 'skipped').length,
    noExpectation: cells.filter((c) => c.expected === 'none').length,
    durationMs,
  };
}

/**
 * `next` laid over `previous`: its cells replace the same tool × principal, the others stay.
 * Tools and principals keep `previous`'s order, new ones are appended. The summary counts the
 * merged cells; the duration and notes are those of `next` (the newest run).
 */
export function mergeResults(previous: MatrixResult | undefined, next: MatrixResult): MatrixResult {
  if (!previous) return next;
  const cells = new Map(previous.cells.map((c) => [key(c.principal, c.tool), c]));
  for (const c of next.cells) cells.set(key(c.principal, c.tool), c);
  const tools = [...previous.tools, ...next.tools.filter((t) => !previous.tools.includes(t))];
  const principals = [...previous.principals, ...next.principals.filter((p) => !previous.principals.includes(p))];
  const ordered: MatrixCell[] = [];
  for (const p of principals) for (const t of tools) {
    const c = cells.get(key(p, t));
    if (c) ordered.push(c);
  }
  return { ...next, tools, principals, cells: ordered, summary: summarise(ordered, next.summary.durationMs) };
}

/** A partial result from the cells finished so far (the grid's live view during a run). */
export function resultFromCells(cells: readonly MatrixCell[], server: MatrixResult['server']): MatrixResult {
  const tools: string[] = [];
  const principals: string[] = [];
  for (const c of cells) {
    if (!tools.includes(c.tool)) tools.push(c.tool);
    if (!principals.includes(c.principal)) principals.push(c.principal);
  }
  return { server, tools, principals, cells: [...cells], summary: summarise(cells, 0), notes: [] };
}

/**
 * The grid of one matrix file: every tool the file names or a run saw, as every declared and
 * hostile principal. Cells without a result show the file's expectation and state "not-run".
 */
export function gridModel(
  file: string,
  title: string,
  config: MatrixConfig | undefined,
  result: MatrixResult | undefined,
  finishedAt?: number,
): GridModel {
  const tools = [...Object.keys(config?.tools ?? {})];
  for (const t of result?.tools ?? []) if (!tools.includes(t)) tools.push(t);
  const principals = [...Object.keys(config?.principals ?? {}), ...HOSTILE_PRINCIPALS];
  for (const p of result?.principals ?? []) if (!principals.includes(p)) principals.push(p);
  const results = new Map((result?.cells ?? []).map((c) => [key(c.principal, c.tool), c]));
  const cells: GridCell[] = [];
  for (const tool of tools) {
    for (const principal of principals) {
      const r = results.get(key(principal, tool));
      if (r) {
        cells.push({
          tool,
          principal,
          state: r.actual,
          expected: r.expected,
          mismatch: !r.pass,
          detail: r.detail,
          hostile: r.hostile,
          durationMs: r.durationMs,
        });
      } else {
        const expected = config ? expectationFor(config, principal, tool).expected : 'none';
        cells.push({ tool, principal, state: 'not-run', expected, mismatch: false, detail: 'not run yet', hostile: isHostile(principal) });
      }
    }
  }
  const ran = cells.filter((c) => c.state !== 'not-run');
  return {
    file,
    title,
    tools,
    principals,
    cells,
    summary: {
      total: cells.length,
      run: ran.length,
      asExpected: ran.filter((c) => !c.mismatch).length,
      mismatches: ran.filter((c) => c.mismatch).length,
      skipped: ran.filter((c) => c.state === 'skipped').length,
      noExpectation: ran.filter((c) => c.expected === 'none').length,
    },
    ...(result ? { finishedAt, durationMs: result.summary.durationMs } : {}),
    notes: result?.notes ?? [],
  };
}
