/**
 * Problems in client configs (MCPS301: the parser's message at the parser's position) as
 * diagnostics, refreshed with every discovery run.
 */
import * as vscode from 'vscode';
import type { ClientConfig } from '../core/model';
import { ruleDocPath } from '../core/rules';
import type { DiscoveryService } from './discoveryService';

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mcp-secure-config');
  private readonly subscription: vscode.Disposable;

  constructor(service: DiscoveryService, private readonly extensionUri: vscode.Uri) {
    this.subscription = service.onDidChange((snapshot) => {
      this.update([...snapshot.folders.flatMap((f) => f.configs), ...snapshot.userConfigs]);
    });
  }

  private update(configs: readonly ClientConfig[]): void {
    this.collection.clear();
    for (const config of configs) {
      const diagnostics = config.problems
        .filter((problem) => problem.severity === 'error')
        .map((problem) => {
          const start = problem.range?.start ?? { line: 1, column: 1 };
          const end = problem.range?.end ?? start;
          const diagnostic = new vscode.Diagnostic(
            new vscode.Range(start.line - 1, start.column - 1, end.line - 1, Math.max(end.column - 1, start.column)),
            problem.message,
            vscode.DiagnosticSeverity.Error,
          );
          diagnostic.source = 'MCP Secure';
          diagnostic.code = { value: 'MCPS301', target: vscode.Uri.joinPath(this.extensionUri, ruleDocPath('MCPS301')) };
          return diagnostic;
        });
      if (diagnostics.length > 0) this.collection.set(vscode.Uri.file(config.path), diagnostics);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
