/**
 * The principal matrix in VS Code's Test Explorer: matrix file → tool → principal. A run
 * starts the MCP server (so it needs a trusted workspace), calls every tool as every
 * principal, and reports each cell as passed / failed (expected vs actual, and why) / skipped.
 * Test items are data from the matrix file; the core harness does the work.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadMatrixFile } from '../core/matrix/load';
import { HOSTILE_PRINCIPALS, type MatrixCell, type MatrixConfig, type MatrixEvent, type MatrixResult } from '../core/matrix/types';
import type { Log } from './log';
import type { ServerProject } from '../core/model';

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

export class MatrixTesting implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('mcpSecureMatrix', 'MCP Secure: Principal Matrix');
  private readonly refs = new WeakMap<vscode.TestItem, CellRef>();
  private readonly status = vscode.window.createStatusBarItem('mcpSecure.matrix', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.controller, this.status];

  constructor(private readonly log: Log) {
    this.status.name = 'MCP Secure: Principal Matrix';
    this.status.command = 'testing.showMostRecentOutput';
    this.controller.resolveHandler = async () => this.loadAll();
    this.controller.refreshHandler = async () => this.loadAll();
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${MATRIX_FILE}`);
    // A changed matrix file makes the last run's summary stale.
    const reload = () => {
      this.status.hide();
      void this.loadAll();
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

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request, 'Principal matrix');
    try {
      const roots = request.include ?? [...iterate(this.controller.items)];
      const byFile = new Map<string, { tools: Set<string>; principals: Set<string>; all: boolean }>();
      for (const item of roots) {
        const ref = this.refs.get(item);
        if (!ref) continue;
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
        const result = await this.runFile(file, root, run, token, selection.all ? {} : {
          onlyTools: [...selection.tools],
          ...(selection.principals.size > 0 ? { onlyPrincipals: [...selection.principals] } : {}),
        });
        if (result) this.showSummary(result);
      }
    } finally {
      run.end();
    }
  }

  /** Runs one matrix file; reports every cell into `run`. */
  async runFile(
    file: string,
    root: vscode.TestItem,
    run: vscode.TestRun,
    token: vscode.CancellationToken,
    only: { onlyTools?: string[]; onlyPrincipals?: string[] } = {},
  ): Promise<MatrixResult | undefined> {
    const loaded = loadMatrixFile(file);
    if (!loaded.config) {
      run.errored(root, new vscode.TestMessage(loaded.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n')));
      return undefined;
    }
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    const cellItem = (tool: string, principal: string) => {
      this.fillTools(root, file, loaded.config!, [tool]);
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
          const item = cellItem(event.cell.tool, event.cell.principal);
          if (!item) break;
          if (event.type === 'passed') run.passed(item, event.cell.durationMs);
          else if (event.type === 'skipped') run.skipped(item);
          else run.failed(item, cellMessages(event.cell), event.cell.durationMs);
          break;
        }
        case 'output':
          run.appendOutput(`${event.text.replace(/\r?\n/g, '\r\n')}${event.text.endsWith('\n') ? '' : '\r\n'}`);
          break;
      }
    };
    try {
      this.log.info(`Principal matrix: running ${file}`);
      const { runMatrix } = loadHarness();
      const result = await runMatrix(loaded.config, {
        cwd: path.dirname(file),
        signal: abort.signal,
        onEvent,
        handleSignals: false,
        confirmDestructive: async (tools) =>
          (await vscode.window.showWarningMessage(
            `The server marks ${tools.join(', ')} as destructive. Call ${tools.length === 1 ? 'it' : 'them'} as every principal?`,
            { modal: true, detail: 'Hostile principals will try them too. Say No unless the server runs against throwaway data.' },
            'Run Destructive Tools',
          )) === 'Run Destructive Tools',
        ...only,
      });
      this.log.info(`Principal matrix: ${result.summary.passed}/${result.summary.total} cells as expected, ${result.summary.failed} mismatch(es) in ${result.summary.durationMs} ms`);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error('Principal matrix failed', error);
      run.errored(root, new vscode.TestMessage(message));
      return undefined;
    } finally {
      cancel.dispose();
    }
  }

  /** Runs every matrix file of the workspace (the "Run Principal Matrix" command). */
  async runAll(): Promise<void> {
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
          await this.run(new vscode.TestRunRequest(roots), cancel.token);
        },
      );
    } finally {
      cancel.dispose();
    }
    void vscode.commands.executeCommand('workbench.view.testing.focus');
  }

  private showSummary(result: MatrixResult): void {
    const failed = result.summary.failed;
    this.status.text = `$(shield) Matrix ${result.summary.passed}/${result.summary.total}${failed ? ` · ${failed} mismatch${failed === 1 ? '' : 'es'}` : ''}`;
    this.status.tooltip = `Principal matrix: ${result.summary.passed} of ${result.summary.total} cells as expected, ${failed} mismatches, ${result.summary.skipped} skipped.`;
    this.status.backgroundColor = failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.status.show();
  }

  dispose(): void {
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

/** A starting mcp-matrix.json for a discovered server: its tools, two principals to edit. */
export function scaffoldMatrix(server: ServerProject, folderRoot: string): string {
  const http = server.transports.includes('http');
  const rel = path.relative(folderRoot, server.root).split(path.sep).join('/') || '.';
  const launch: Record<ServerProject['language'], { command: string; args: string[] }> = {
    typescript: { command: 'node', args: ['--import', 'tsx', 'src/index.ts'] },
    javascript: { command: 'node', args: ['index.js'] },
    python: { command: 'python', args: ['server.py'] },
    go: { command: 'go', args: ['run', '.'] },
  };
  const tools = Object.fromEntries(server.tools.map((t) => [t.name, { args: {}, allow: ['admin'] }]));
  const matrix = {
    server: {
      transport: http ? 'http' : 'stdio',
      ...launch[server.language],
      cwd: rel,
      env: http
        ? { OAUTH_ISSUER: '${issuer}', OAUTH_JWKS_URL: '${jwksUri}', OAUTH_AUDIENCE: '${audience}', PORT: '${port}' }
        : { OAUTH_ISSUER: '${issuer}', OAUTH_JWKS_URL: '${jwksUri}', OAUTH_AUDIENCE: '${audience}' },
      ...(http ? { url: 'http://127.0.0.1:${port}/mcp' } : { tokenEnv: 'MCP_ACCESS_TOKEN' }),
      startupTimeoutMs: 15000,
    },
    principals: {
      reader: { sub: 'alice', scopes: [] as string[] },
      admin: { sub: 'root', scopes: [] as string[], claims: { role: 'admin' } },
    },
    tools,
  };
  return [
    '// Principal matrix for MCP Secure: who may call which tool. Adjust the server command, the',
    "// principals' scopes and each tool's args and allow list; the built-in hostile principals",
    '// (anonymous, expired, wrong-audience, wrong-issuer, bad-signature, alg-none) always run.',
    JSON.stringify(matrix, null, 2),
    '',
  ].join('\n');
}
