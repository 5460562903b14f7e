/**
 * Findings as diagnostics. Two paths:
 * - every discovery run scans what it found (client configs, .env files, server sources) from
 *   disk, with git exposure when the workspace is trusted (git is a process);
 * - an open document that is one of those files is re-scanned from its text as you type
 *   (debounced), so diagnostics follow edits before they are saved.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding, ServerProject } from '../core/model';
import { lintAuthorizationDocumentDetailed, type ToolVerdict } from '../core/authz';
import { applySuppressions } from '../core/suppress';
import { releaseDocumentTree } from '../core/projects/source';
import { ruleDocPath } from '../core/rules';
import { candidateOf, forgetDocument, loadProjectSettings, scanDiscovered, scanDocument, type DocumentKind } from '../core/scan/scan';
import { DEFAULT_PROJECT_SETTINGS, type ProjectSettings } from '../core/settings/projectSettings';
import type { DiscoveryService, DiscoverySnapshot } from './discoveryService';
import type { Log } from './log';

interface TrackedFile {
  kind: DocumentKind;
  root: string;
  settings: ProjectSettings;
  /** For server sources: the project, for the authorization lint. */
  project?: ServerProject;
}

const TYPING_DEBOUNCE_MS = 150;

/** Groups verdicts by file (the tree asks per tool; a live re-lint replaces one file's list). */
function verdictsByFile(verdicts: readonly ToolVerdict[]): Map<string, ToolVerdict[]> {
  const byFile = new Map<string, ToolVerdict[]>();
  for (const v of verdicts) {
    const list = byFile.get(v.file) ?? [];
    list.push(v);
    byFile.set(v.file, list);
  }
  return byFile;
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class FindingsService implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mcp-secure');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.collection, this.changed];
  /** Files the last discovery found, and how to scan each. */
  private tracked = new Map<string, TrackedFile>();
  /** Current findings per file (from disk, or from the open document's text). */
  private byFile = new Map<string, Finding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private generation = 0;

  constructor(
    discovery: DiscoveryService,
    private readonly log: Log,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.disposables.push(
      discovery.onDidChange((snapshot) => void this.scanSnapshot(snapshot)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.scheduleDocument(event.document);
      }),
      vscode.workspace.onDidOpenTextDocument((document) => this.scheduleDocument(document)),
      // Incremental re-scans keep the last config model and syntax tree of an open document.
      vscode.workspace.onDidCloseTextDocument((document) => {
        forgetDocument(document.uri.fsPath);
        releaseDocumentTree(document.uri.fsPath);
      }),
    );
  }

  /** How a discovered file is scanned (config candidate, dotenv, source), and its root. */
  documentKind(file: string): { kind: DocumentKind; root: string } | undefined {
    const tracked = this.tracked.get(file);
    return tracked ? { kind: tracked.kind, root: tracked.root } : undefined;
  }

  /** Authorization verdicts by file: from the last full scan, replaced per file by live re-lints. */
  private verdicts = new Map<string, ToolVerdict[]>();

  /**
   * The verdict of a tool registered at `line` of `file`. The tree's lines come from the saved
   * file while a live re-lint sees the editor's text, so when lines moved the nearest
   * registration of the same tool name answers.
   */
  verdictFor(file: string, tool: string, line: number): ToolVerdict | undefined {
    let best: ToolVerdict | undefined;
    for (const v of this.verdicts.get(file) ?? []) {
      if (v.tool !== tool) continue;
      if (!best || Math.abs(v.range.start.line - line) < Math.abs(best.range.start.line - line)) best = v;
    }
    return best;
  }

  /** The server project a source file belongs to (for authorization fixes). */
  projectOf(file: string): ServerProject | undefined {
    return this.tracked.get(file)?.project;
  }

  /** All current findings, by absolute file path. */
  get findings(): ReadonlyMap<string, readonly Finding[]> {
    return this.byFile;
  }

  private async scanSnapshot(snapshot: DiscoverySnapshot): Promise<void> {
    const generation = ++this.generation;
    const started = Date.now();
    const git = vscode.workspace.isTrusted ? {} : (false as const);
    try {
      const tracked = new Map<string, TrackedFile>();
      const byFile = new Map<string, Finding[]>();
      const scans = await Promise.all(
        snapshot.folders.map(async (folder) => {
          const { settings, problems } = await loadProjectSettings(folder.root);
          for (const p of problems) this.log.warn(`${p.file}: ${p.message}`);
          for (const config of folder.configs) tracked.set(config.path, { kind: { type: 'config', candidate: candidateOf(config) }, root: folder.root, settings });
          for (const env of folder.envFiles) tracked.set(env.path, { kind: { type: 'dotenv', gitignored: env.gitignored }, root: folder.root, settings });
          for (const server of folder.servers) for (const file of server.sources) tracked.set(file, { kind: { type: 'source' }, root: folder.root, settings, project: server });
          return scanDiscovered(folder, settings, { git });
        }),
      );
      const userRoot = path.parse(snapshot.userConfigs[0]?.path ?? '/').root;
      const user = await scanDiscovered(
        { root: userRoot, servers: [], configs: snapshot.userConfigs, envFiles: [], problems: [] },
        DEFAULT_PROJECT_SETTINGS,
        { git: false },
      );
      for (const config of snapshot.userConfigs) tracked.set(config.path, { kind: { type: 'config', candidate: candidateOf(config) }, root: userRoot, settings: DEFAULT_PROJECT_SETTINGS });
      if (generation !== this.generation) return; // a newer snapshot is being scanned
      for (const finding of [...scans.flatMap((s) => s.findings), ...user.findings]) {
        const list = byFile.get(finding.file) ?? [];
        list.push(finding);
        byFile.set(finding.file, list);
      }
      this.tracked = tracked;
      this.byFile = byFile;
      this.verdicts = verdictsByFile(scans.flatMap((scan) => scan.verdicts));
      // Open documents may hold unsaved edits: their text wins over the file on disk.
      for (const document of vscode.workspace.textDocuments) {
        if (document.isDirty && tracked.has(document.uri.fsPath)) await this.scanDocumentNow(document);
      }
      this.publish();
      const count = [...byFile.values()].reduce((n, l) => n + l.length, 0);
      const suppressed = scans.reduce((n, s) => n + s.suppressed.length, 0);
      this.log.info(`Scan: ${count} finding(s) in ${byFile.size} file(s)${suppressed ? `, ${suppressed} suppressed` : ''} in ${Date.now() - started} ms${git === false ? ' (git checks off: Restricted Mode)' : ''}`);
    } catch (error) {
      this.log.error('Scan failed', error);
      // The tree still shows the new discovery (it refreshes on this event).
      this.changed.fire();
    }
  }

  private scheduleDocument(document: vscode.TextDocument): void {
    const file = document.uri.fsPath;
    if (document.uri.scheme !== 'file' || !this.tracked.has(file)) return;
    const pending = this.timers.get(file);
    if (pending) clearTimeout(pending);
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        void this.scanDocumentNow(document).then(() => this.publish(file));
      }, TYPING_DEBOUNCE_MS),
    );
  }

  private async scanDocumentNow(document: vscode.TextDocument): Promise<void> {
    const file = document.uri.fsPath;
    const tracked = this.tracked.get(file);
    if (!tracked || document.isClosed) return;
    const previous = this.byFile.get(file) ?? [];
    const text = document.getText();
    const version = document.version;
    const { findings } = scanDocument(file, text, tracked.kind, tracked.root, tracked.settings);
    if (tracked.project) {
      // Server source: the authorization lint of this file, against the project's other files.
      const authz = await lintAuthorizationDocumentDetailed(file, text, tracked.project, { authorizationFunctions: tracked.settings.authorizationFunctions });
      if (document.version !== version) return; // a newer keystroke will re-lint
      this.verdicts.set(file, authz.verdicts.filter((v) => v.file === file));
      const { kept } = applySuppressions(authz.findings, text);
      findings.push(...kept.flatMap((f) => {
        const override = tracked.settings.severity[f.ruleId];
        return override === 'off' ? [] : [override ? { ...f, severity: override } : f];
      }));
    }
    // Git exposure is known only from the last disk scan; keep it for the same secret.
    for (const finding of findings) {
      const before = previous.find((p) => p.fingerprint === finding.fingerprint);
      if (before?.secret?.gitExposure && finding.secret) {
        finding.secret.gitExposure = before.secret.gitExposure;
        finding.message = before.message;
      }
    }
    this.byFile.set(file, findings);
  }

  private publish(onlyFile?: string): void {
    if (onlyFile) {
      this.collection.set(vscode.Uri.file(onlyFile), (this.byFile.get(onlyFile) ?? []).map((f) => this.toDiagnostic(f)));
    } else {
      this.collection.clear();
      for (const [file, findings] of this.byFile) {
        this.collection.set(vscode.Uri.file(file), findings.map((f) => this.toDiagnostic(f)));
      }
    }
    this.changed.fire();
  }

  private toDiagnostic(finding: Finding): vscode.Diagnostic {
    const { start, end } = finding.range;
    const diagnostic = new vscode.Diagnostic(
      new vscode.Range(start.line - 1, start.column - 1, end.line - 1, end.column - 1),
      finding.message,
      SEVERITY[finding.severity],
    );
    diagnostic.source = 'MCP Secure';
    diagnostic.code = { value: finding.ruleId, target: vscode.Uri.joinPath(this.extensionUri, ruleDocPath(finding.ruleId)) };
    if (finding.related?.length) {
      diagnostic.relatedInformation = finding.related.map(
        (r) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(r.file), new vscode.Range(r.range.start.line - 1, r.range.start.column - 1, r.range.end.line - 1, r.range.end.column - 1)),
            r.message,
          ),
      );
    }
    return diagnostic;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
