/**
 * The principal matrix in VS Code's Test Explorer: matrix file → tool → principal. A run
 * starts the MCP server (so it needs a trusted workspace), calls every tool as every
 * principal, and reports each cell as passed / failed (expected vs actual, and why) / skipped.
 * Test items are data from the matrix file; the core harness does the work.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gridModel, mergeResults, resultFromCells, type GridModel } from '../core/matrix/grid';
import { loadMatrixFile } from '../core/matrix/load';
import { HOSTILE_PRINCIPALS, type MatrixCell, type MatrixConfig, type MatrixEvent, type MatrixResult } from '../core/matrix/types';
import { DebugAttacher, planDebug } from './matrixDebug';
import type { GridHost } from './matrixGrid';
import type { Log } from './log';

export const MATRIX_FILE = 'mcp-matrix.json';

/**
 * The harness (MCP SDK client, jose) is its own bundle, dist/matrix.js, required on the first
 * run: the extension's activation never pays for compiling it.
 */
function loadHarness(): typeof import('../core/matrix/run') {
  return require(path.join(__dirname, 'matrix.js')) as typeof import('../core/matrix/run');
}

interface CellRef {
  file: string;
  tool?: string;
  principal?: string;
}

/** Opened by the status bar item and after a palette run. */
export const SHOW_GRID_COMMAND = 'mcpSecure.showMatrixGrid';

export class MatrixTesting implements vscode.Disposable, GridHost {
  private readonly controller = vscode.tests.createTestController('mcpSecureMatrix', 'MCP Secure: Principal Matrix');
  private readonly refs = new WeakMap<vscode.TestItem, CellRef>();
  private readonly status = vscode.window.createStatusBarItem('mcpSecure.matrix', vscode.StatusBarAlignment.Left, 50);
  private readonly gridChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeGrid = this.gridChanged.event;
  /** The newest result per matrix file, single-cell re-runs merged in. */
  private readonly results = new Map<string, { result: MatrixResult; finishedAt: number }>();
  private running = 0;
  /** Cells finished so far by the runs in progress, per matrix file (the grid shows them live). */
  private readonly live = new Map<string, MatrixCell[]>();
  private liveTimer: NodeJS.Timeout | undefined;
  private readonly runProfile: vscode.TestRunProfile;
  private readonly debugProfile: vscode.TestRunProfile;
  private readonly disposables: vscode.Disposable[] = [this.controller, this.status, this.gridChanged];

  constructor(private readonly log: Log) {
    this.status.name = 'MCP Secure: Principal Matrix';
    this.status.command = { command: SHOW_GRID_COMMAND, title: 'Show Principal Matrix Grid' };
    this.controller.resolveHandler = async () => this.loadAll();
    this.controller.refreshHandler = async () => this.loadAll();
    this.runProfile = this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token, false), true);
    this.debugProfile = this.controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (request, token) => this.run(request, token, true), true);
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${MATRIX_FILE}`);
    // A changed matrix file makes the last run's results stale.
    const reload = (uri: vscode.Uri) => {
      this.status.hide();
      this.results.delete(uri.fsPath);
      void this.loadAll().then(() => this.gridChanged.fire());
    };
    watcher.onDidChange(reload);
    watcher.onDidCreate(reload);
    watcher.onDidDelete(reload);
    this.disposables.push(watcher);
  }

  /** Matrix files at the root of each workspace folder become test items. */
  async loadAll(): Promise<void> {
    const items: vscode.TestItem[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = path.join(folder.uri.fsPath, MATRIX_FILE);
      const item = await this.loadFile(file, folder.name);
      if (item) items.push(item);
    }
    this.controller.items.replace(items);
  }

  private async loadFile(file: string, folderName: string): Promise<vscode.TestItem | undefined> {
    if (!existsSync(file)) return undefined;
    const loaded = loadMatrixFile(file);
    const uri = vscode.Uri.file(file);
    const root = this.controller.createTestItem(file, `${folderName} · ${MATRIX_FILE}`, uri);
    this.refs.set(root, { file });
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    if (!loaded.config || errors.length > 0) {
      root.error = errors.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n') || 'The matrix file could not be read.';
      return root;
    }
    this.fillTools(root, file, loaded.config, Object.keys(loaded.config.tools ?? {}));
    return root;
  }

  private fillTools(root: vscode.TestItem, file: string, config: MatrixConfig, tools: readonly string[]): void {
    const principals = [...Object.keys(config.principals), ...HOSTILE_PRINCIPALS];
    for (const tool of tools) {
      let toolItem = root.children.get(`${file}#${tool}`);
      if (!toolItem) {
        toolItem = this.controller.createTestItem(`${file}#${tool}`, tool, root.uri);
        this.refs.set(toolItem, { file, tool });
        root.children.add(toolItem);
      }
      for (const principal of principals) {
        const id = `${file}#${tool}#${principal}`;
        if (toolItem.children.get(id)) continue;
        const cell = this.controller.createTestItem(id, principal, root.uri);
        cell.description = (HOSTILE_PRINCIPALS as readonly string[]).includes(principal) ? 'hostile' : undefined;
        this.refs.set(cell, { file, tool, principal });
        toolItem.children.add(cell);
      }
    }
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, debug: boolean): Promise<void> {
    const run = this.controller.createTestRun(request, debug ? 'Principal matrix (debug)' : 'Principal matrix');
    this.running++;
    this.gridChanged.fire();
    try {
      const roots = request.include ?? [...iterate(this.controller.items)];
      const excluded = new Set(request.exclude ?? []);
      const byFile = new Map<string, { tools: Set<string>; principals: Set<string>; all: boolean }>();
      for (const item of roots) {
        const ref = this.refs.get(item);
        if (!ref || excluded.has(item)) continue;
        const entry = byFile.get(ref.file) ?? { tools: new Set<string>(), principals: new Set<string>(), all: false };
        if (!ref.tool) entry.all = true;
        else {
          entry.tools.add(ref.tool);
          if (ref.principal) entry.principals.add(ref.principal);
        }
        byFile.set(ref.file, entry);
      }
      for (const [file, selection] of byFile) {
        if (token.isCancellationRequested) break;
        const root = this.controller.items.get(file);
        if (!root) continue;
        if (!vscode.workspace.isTrusted) {
          // Running the matrix starts the server: never in Restricted Mode.
          run.errored(root, new vscode.TestMessage('The principal matrix starts the MCP server, so it runs only in a trusted workspace. Trust this folder to run it.'));
          continue;
        }
        // A tool item selected as a whole runs as every principal; cells select principals.
        const wholeTools = [...selection.tools].some((t) => request.include?.some((i) => this.refs.get(i)?.tool === t && !this.refs.get(i)?.principal));
        const result = await this.runFile(file, root, run, token, selection.all ? {} : {
          onlyTools: [...selection.tools],
          ...(selection.principals.size > 0 && !wholeTools ? { onlyPrincipals: [...selection.principals] } : {}),
        }, debug);
        if (result) {
          const previous = this.results.get(file)?.result;
          const merged = selection.all ? result : mergeResults(previous, result);
          this.results.set(file, { result: merged, finishedAt: Date.now() });
          this.showSummary(merged);
        }
      }
    } finally {
      run.end();
      this.running--;
      this.gridChanged.fire();
    }
  }

  /** Runs one matrix file; reports every cell into `run`. */
  async runFile(
    file: string,
    root: vscode.TestItem,
    run: vscode.TestRun,
    token: vscode.CancellationToken,
    only: { onlyTools?: string[]; onlyPrincipals?: string[] } = {},
    debug = false,
  ): Promise<MatrixResult | undefined> {
    const loaded = loadMatrixFile(file);
    if (!loaded.config) {
      run.errored(root, new vscode.TestMessage(loaded.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n')));
      return undefined;
    }
    let config = loaded.config;
    const say = (text: string) => run.appendOutput(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
    let attacher: DebugAttacher | undefined;
    let env: NodeJS.ProcessEnv | undefined;
    let callTimeoutMs: number | undefined;
    if (debug) {
      const plan = await planDebug(config, path.dirname(file));
      if (plan.kind === 'unsupported') {
        // Honest: no run without the debugger when a debug run was asked for.
        say(`MCP Secure: cannot debug this matrix: ${plan.reason}`);
        run.errored(root, new vscode.TestMessage(`Debugging is not available for this server: ${plan.reason}`));
        this.log.warn(`Principal matrix debug run refused: ${plan.reason}`);
        return undefined;
      }
      const stdioProcesses = config.server.transport === 'stdio' ? (only.onlyPrincipals?.length ?? Object.keys(config.principals).length + HOSTILE_PRINCIPALS.length) : 1;
      if (plan.kind === 'python' && stdioProcesses > 1) {
        const reason = `debugpy attaches to one server process per run, and this stdio server is started once per principal (${stdioProcesses} here). Debug a single cell (one principal) instead.`;
        say(`MCP Secure: cannot debug this selection: ${reason}`);
        run.errored(root, new vscode.TestMessage(reason));
        return undefined;
      }
      say(`MCP Secure: debug run. ${plan.describe}.`);
      attacher = new DebugAttacher(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)), run, (text) => {
        say(`MCP Secure: ${text}`);
        this.log.info(`Principal matrix debug: ${text}`);
      });
      // Paused at a breakpoint is not a timeout: calls wait up to 10 minutes.
      callTimeoutMs = 10 * 60_000;
      if (plan.kind === 'node') env = plan.env;
      else {
        config = plan.config;
        if (!(await attacher.listenForPython(plan.port))) {
          say('MCP Secure: the Python debugger did not start listening; not starting the server.');
          run.errored(root, new vscode.TestMessage('The Python debugger (debugpy) did not start.'));
          await attacher.dispose();
          return undefined;
        }
      }
    }
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    const cellItem = (tool: string, principal: string) => {
      this.fillTools(root, file, config, [tool]);
      return root.children.get(`${file}#${tool}`)?.children.get(`${file}#${tool}#${principal}`);
    };
    const onEvent = (event: MatrixEvent) => {
      switch (event.type) {
        case 'enqueued':
        case 'started': {
          const item = cellItem(event.tool, event.principal);
          if (item) event.type === 'started' ? run.started(item) : run.enqueued(item);
          break;
        }
        case 'passed':
        case 'failed':
        case 'skipped': {
          this.recordLive(file, event.cell);
          const item = cellItem(event.cell.tool, event.cell.principal);
          if (!item) break;
          if (event.type === 'passed') run.passed(item, event.cell.durationMs);
          else if (event.type === 'skipped') run.skipped(item);
          else run.failed(item, cellMessages(event.cell), event.cell.durationMs);
          break;
        }
        case 'output':
          attacher?.onServerOutput(event.text, event.principal);
          run.appendOutput(`${event.text.replace(/\r?\n/g, '\r\n')}${event.text.endsWith('\n') ? '' : '\r\n'}`);
          break;
      }
    };
    try {
      this.log.info(`Principal matrix: running ${file}${debug ? ' under the debugger' : ''}${only.onlyTools ? ` (tools: ${only.onlyTools.join(', ')}${only.onlyPrincipals ? `; principals: ${only.onlyPrincipals.join(', ')}` : ''})` : ''}`);
      const { runMatrix } = loadHarness();
      const result = await runMatrix(config, {
        cwd: path.dirname(file),
        signal: abort.signal,
        onEvent,
        handleSignals: false,
        ...(env ? { env } : {}),
        ...(callTimeoutMs ? { callTimeoutMs } : {}),
        confirmDestructive: async (tools) =>
          (await vscode.window.showWarningMessage(
            `The server marks ${tools.join(', ')} as destructive. Call ${tools.length === 1 ? 'it' : 'them'} as every principal?`,
            { modal: true, detail: 'Hostile principals will try them too. Say No unless the server runs against throwaway data.' },
            'Run Destructive Tools',
          )) === 'Run Destructive Tools',
        ...only,
      });
      if (attacher && attacher.attached === 0) say('MCP Secure: no debugger attached during this run (the server printed no inspector address).');
      this.log.info(`Principal matrix: ${result.summary.passed}/${result.summary.total} cells as expected, ${result.summary.failed} mismatch(es) in ${result.summary.durationMs} ms`);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error('Principal matrix failed', error);
      run.errored(root, new vscode.TestMessage(message));
      return undefined;
    } finally {
      cancel.dispose();
      this.live.delete(file);
      await attacher?.dispose();
    }
  }

  /** Runs every matrix file of the workspace (the "Run Principal Matrix" command), then shows the grid. */
  async runAll(showGrid?: () => void): Promise<void> {
    await this.loadAll();
    const roots = [...iterate(this.controller.items)];
    if (roots.length === 0) {
      const create = await vscode.window.showInformationMessage(`MCP Secure: no ${MATRIX_FILE} in this workspace.`, 'Create Principal Matrix');
      if (create) await vscode.commands.executeCommand('mcpSecure.createMatrix');
      return;
    }
    const cancel = new vscode.CancellationTokenSource();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'MCP Secure: running the principal matrix', cancellable: true },
        async (_progress, token) => {
          token.onCancellationRequested(() => cancel.cancel());
          await this.run(new vscode.TestRunRequest(roots, undefined, this.runProfile), cancel.token, false);
        },
      );
    } finally {
      cancel.dispose();
    }
    void vscode.commands.executeCommand('workbench.view.testing.focus');
    if (showGrid && vscode.workspace.getConfiguration('mcpSecure.matrix').get<boolean>('showGridAfterRun', true)) showGrid();
  }

  /** A finished cell of a run in progress: shown in the grid at most every 250 ms. */
  private recordLive(file: string, cell: MatrixCell): void {
    const cells = this.live.get(file) ?? [];
    cells.push(cell);
    this.live.set(file, cells);
    this.liveTimer ??= setTimeout(() => {
      this.liveTimer = undefined;
      this.gridChanged.fire();
    }, 250);
  }

  // ---- GridHost: what the grid webview shows and does ----

  gridModels(): { models: GridModel[]; running: boolean } {
    const models: GridModel[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = path.join(folder.uri.fsPath, MATRIX_FILE);
      if (!existsSync(file)) continue;
      const loaded = loadMatrixFile(file);
      const title = `${folder.name} · ${MATRIX_FILE}`;
      const last = this.results.get(file);
      const errors = loaded.problems.filter((p) => p.severity === 'error');
      if (!loaded.config || errors.length) {
        models.push({ ...gridModel(file, title, undefined, undefined), error: errors.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n') || 'The matrix file could not be read.' });
        continue;
      }
      const live = this.live.get(file);
      const result = live?.length ? mergeResults(last?.result, resultFromCells(live, last?.result.server ?? { transport: loaded.config.server.transport, command: loaded.config.server.command })) : last?.result;
      models.push(gridModel(file, title, loaded.config, result, last?.finishedAt));
    }
    return { models, running: this.running > 0 };
  }

  private async cellItemFor(file: string, tool: string, principal: string): Promise<vscode.TestItem | undefined> {
    if (!this.controller.items.get(file)) await this.loadAll();
    const root = this.controller.items.get(file);
    if (!root) return undefined;
    const loaded = loadMatrixFile(file);
    if (loaded.config) this.fillTools(root, file, loaded.config, [tool]);
    return root.children.get(`${file}#${tool}`)?.children.get(`${file}#${tool}#${principal}`);
  }

  async revealCell(file: string, tool: string, principal: string): Promise<void> {
    const item = await this.cellItemFor(file, tool, principal);
    if (item) await vscode.commands.executeCommand('vscode.revealTestInExplorer', item);
  }

  /** Re-runs (or debugs) one cell through the same path as the Test Explorer's profiles. */
  async runCell(file: string, tool: string, principal: string, debug: boolean): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('MCP Secure: the principal matrix starts the MCP server, so it runs only in a trusted workspace.');
      return;
    }
    const item = await this.cellItemFor(file, tool, principal);
    if (!item) return;
    const cancel = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest([item], undefined, debug ? this.debugProfile : this.runProfile), cancel.token, debug);
    } finally {
      cancel.dispose();
    }
  }

  async runAllFromGrid(): Promise<void> {
    await vscode.commands.executeCommand('mcpSecure.runMatrix');
  }

  private showSummary(result: MatrixResult): void {
    const failed = result.summary.failed;
    this.status.text = `$(shield) Matrix ${result.summary.passed}/${result.summary.total}${failed ? ` · ${failed} mismatch${failed === 1 ? '' : 'es'}` : ''}`;
    this.status.tooltip = `Principal matrix: ${result.summary.passed} of ${result.summary.total} cells as expected, ${failed} mismatches, ${result.summary.skipped} skipped. Click to show the grid.`;
    this.status.backgroundColor = failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.status.show();
  }

  dispose(): void {
    if (this.liveTimer) clearTimeout(this.liveTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** The expected/actual diff, then the reason in words (the results pane shows a diff message as the diff alone). */
function cellMessages(cell: MatrixCell): vscode.TestMessage[] {
  const summary = `${cell.principal} → ${cell.tool}: expected ${cell.expected}, got ${cell.actual}. ${cell.detail}`;
  return [vscode.TestMessage.diff(summary, cell.expected, cell.actual), new vscode.TestMessage(summary)];
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const items: vscode.TestItem[] = [];
  collection.forEach((item) => items.push(item));
  yield* items;
}
