/**
 * Runs discovery over every workspace folder (and the user's configs), keeps the latest
 * result, and re-runs it — debounced — when a relevant file changes.
 */
import * as vscode from 'vscode';
import { discover, discoverUserConfigs } from '../core/discovery/discover';
import { currentMachineEnv } from '../core/discovery/machineEnv';
import type { ClientConfig, DiscoveryResult, FileProblem } from '../core/model';
import { discoverySettings } from './config';
import type { Log } from './log';

export interface DiscoverySnapshot {
  folders: DiscoveryResult[];
  userConfigs: ClientConfig[];
  userProblems: FileProblem[];
  /** When the snapshot was taken, and how long it took (ms). */
  finishedAt: number;
  durationMs: number;
}

/** Files whose change can alter what discovery finds. */
const WATCH_GLOB =
  '**/{.env,.env.*,*.env,*.json,*.jsonc,*.toml,*.yaml,*.yml,*.ts,*.tsx,*.mts,*.cts,*.js,*.mjs,*.cjs,*.py,*.go,go.mod,requirements*.txt,setup.cfg,uv.lock,Pipfile,.gitignore,*.code-workspace}';
const DEBOUNCE_MS = 400;

export class DiscoveryService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DiscoverySnapshot>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private current: DiscoverySnapshot | undefined;
  private running: Promise<DiscoverySnapshot> | undefined;
  private rerunRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private userWatchers: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCH_GLOB);
    const onFile = (uri: vscode.Uri) => {
      if (!isIgnoredPath(uri.fsPath)) this.schedule();
    };
    watcher.onDidChange(onFile, undefined, this.disposables);
    watcher.onDidCreate(onFile, undefined, this.disposables);
    watcher.onDidDelete(onFile, undefined, this.disposables);
    this.disposables.push(
      watcher,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mcpSecure.discovery')) this.schedule();
      }),
    );
  }

  get snapshot(): DiscoverySnapshot | undefined {
    return this.current;
  }

  /** Re-run discovery soon; bursts of file events collapse into one run. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  /** Run discovery now (or once more after the run in flight). */
  refresh(): Promise<DiscoverySnapshot> {
    if (this.running) {
      this.rerunRequested = true;
      return this.running;
    }
    const progress = vscode.window.withProgress(
      { location: { viewId: 'mcpSecure.discovery' }, title: 'Discovering MCP servers' },
      () => this.run(),
    );
    const running: Promise<DiscoverySnapshot> = Promise.resolve(progress).then(
        (snapshot) => {
          this.running = undefined;
          this.current = snapshot;
          this.changed.fire(snapshot);
          if (this.rerunRequested) {
            this.rerunRequested = false;
            this.schedule();
          }
          return snapshot;
        },
        (error: unknown) => {
          this.running = undefined;
          this.log.error('Discovery failed', error);
          throw error;
        },
      );
    this.running = running;
    return running;
  }

  private async run(): Promise<DiscoverySnapshot> {
    const started = Date.now();
    const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
    const env = currentMachineEnv();
    const settings = discoverySettings();
    const [results, user] = await Promise.all([
      Promise.all(
        folders.map((folder) => {
          const s = discoverySettings(folder.uri);
          return discover({ root: folder.uri.fsPath, exclude: s.exclude, maxFileBytes: s.maxFileBytes });
        }),
      ),
      settings.includeUserConfigs ? discoverUserConfigs(env) : Promise.resolve({ configs: [], problems: [] }),
    ]);
    // A user config that is also a workspace file (a workspace opened at ~) is listed once.
    const workspacePaths = new Set(results.flatMap((r) => r.configs.map((c) => c.path)));
    const userConfigs = user.configs.filter((c) => !workspacePaths.has(c.path));
    this.watchUserConfigs(userConfigs);
    const snapshot: DiscoverySnapshot = {
      folders: results,
      userConfigs,
      userProblems: user.problems,
      finishedAt: Date.now(),
      durationMs: Date.now() - started,
    };
    const servers = results.reduce((n, r) => n + r.servers.length, 0);
    const tools = results.reduce((n, r) => n + r.servers.reduce((m, s) => m + s.tools.length, 0), 0);
    const configs = results.reduce((n, r) => n + r.configs.length, 0);
    this.log.info(
      `Discovery: ${servers} server project(s), ${tools} tool(s), ${configs} workspace config(s), ${userConfigs.length} user config(s) in ${snapshot.durationMs} ms`,
    );
    for (const problem of [...results.flatMap((r) => r.problems), ...user.problems]) {
      this.log.debug(`${problem.file}: ${problem.message}`);
    }
    return snapshot;
  }

  /** User configs live outside the workspace, so the workspace watcher does not see them. */
  private watchUserConfigs(configs: readonly ClientConfig[]): void {
    for (const d of this.userWatchers) d.dispose();
    this.userWatchers = configs.map((config) => {
      const uri = vscode.Uri.file(config.path);
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.slice(uri.path.lastIndexOf('/') + 1)),
      );
      watcher.onDidChange(() => this.schedule());
      watcher.onDidDelete(() => this.schedule());
      return watcher;
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of [...this.userWatchers, ...this.disposables]) d.dispose();
  }
}

function isIgnoredPath(fsPath: string): boolean {
  return /[\\/](node_modules|\.git|dist|out|build|\.venv|venv|__pycache__)[\\/]/.test(fsPath);
}
