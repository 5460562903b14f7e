/**
 * The principal-matrix grid: a webview panel with tools × principals per matrix file, each
 * cell coloured by outcome, mismatches outlined and marked. The panel only renders what
 * MatrixTesting hands it (core/matrix/grid.ts builds the model); clicking a cell reveals its
 * test item, "Re-run" / "Debug" run that one cell through the Test Explorer profiles.
 *
 * Webview hardening: scripts only from media/ with a per-render nonce, styles only from
 * media/, no remote resources, localResourceRoots = media/.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { GridModel } from '../core/matrix/grid';

/** Extension → webview. */
export type GridToWebview = { type: 'models'; models: GridModel[]; running: boolean };
/** Webview → extension. */
export type GridFromWebview =
  | { type: 'ready' }
  | { type: 'runAll' }
  | { type: 'reveal' | 'rerun' | 'debug'; file: string; tool: string; principal: string };

export interface GridHost {
  /** Current models (one per matrix file) and whether a run is in progress. */
  gridModels(): { models: GridModel[]; running: boolean };
  onDidChangeGrid: vscode.Event<void>;
  revealCell(file: string, tool: string, principal: string): Promise<void>;
  runCell(file: string, tool: string, principal: string, debug: boolean): Promise<void>;
  runAllFromGrid(): Promise<void>;
}

export const GRID_VIEW_TYPE = 'mcpSecure.matrixGrid';

export class MatrixGridPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly host: GridHost) {
    this.disposables.push(host.onDidChangeGrid(() => this.post()));
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  /** Opens the grid (or brings it forward). Callers check workspace trust first. */
  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      this.post();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      GRID_VIEW_TYPE,
      'Principal Matrix',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false },
    );
    panel.iconPath = vscode.Uri.joinPath(media, 'shield.svg');
    panel.webview.html = this.html(panel.webview, media);
    panel.webview.onDidReceiveMessage((msg: GridFromWebview) => void this.onMessage(msg), undefined, this.disposables);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
    this.panel = panel;
  }

  private async onMessage(msg: GridFromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.post();
        return;
      case 'runAll':
        return this.host.runAllFromGrid();
      case 'reveal':
        return this.host.revealCell(msg.file, msg.tool, msg.principal);
      case 'rerun':
      case 'debug':
        return this.host.runCell(msg.file, msg.tool, msg.principal, msg.type === 'debug');
    }
  }

  private post(): void {
    if (!this.panel) return;
    const { models, running } = this.host.gridModels();
    const message: GridToWebview = { type: 'models', models, running };
    void this.panel.webview.postMessage(message);
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'matrixGrid.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'matrixGrid.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    const legend = (['allow', 'deny', 'error', 'skipped', 'not-run'] as const)
      .map((s) => `<span><span class="cell s-${s}">${s === 'not-run' ? '–' : s}</span> ${s === 'not-run' ? 'not run' : s === 'allow' ? 'allowed' : s === 'deny' ? 'denied' : s === 'error' ? 'error / timeout' : 'skipped'}</span>`)
      .join('');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Principal Matrix</title>
</head>
<body>
<header class="toolbar">
  <h1>Principal matrix</h1>
  <label><input type="checkbox" id="mismatches-only"> Mismatches only</label>
  <button id="run-all" type="button">Run all</button>
  <span class="status" id="status" role="status" aria-live="polite"></span>
</header>
<div class="legend" aria-label="Legend">${legend}<span><span class="cell s-deny mismatch"><span class="icon" aria-hidden="true">✖</span>deny</span> differs from the expectation (tooltip: expected, actual, why)</span></div>
<main id="root"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
