/**
 * Quick fixes on secret diagnostics:
 *   Move to OS keychain (preferred) · Use a VS Code password input (VS Code mcp.json)
 *   Move all secrets in this file to the OS keychain · Suppress with a reason
 * The engine is the CLI's (src/core/migrate): plan from the document's own text, store every
 * value in the keychain and read it back, and only then apply the plan as one WorkspaceEdit,
 * so Undo restores the text and a keychain failure leaves the document untouched.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { currentMachineEnv } from '../core/discovery/machineEnv';
import { installLauncher } from '../core/launcher/install';
import { launcherPath } from '../core/launcher/paths';
import { applyEdits, planMigration, storePlanSecrets, verifyMigratedText, type MigrationStrategy } from '../core/migrate';
import { authzFixes } from '../core/authz';
import type { FindingsService } from './findingsService';
import type { DocumentKind } from '../core/scan/scan';
import type { KeychainService } from './keychainService';
import type { Log } from './log';

export const MOVE_TO_KEYCHAIN = 'mcpSecure.moveToKeychain';
export const SUPPRESS_FINDING = 'mcpSecure.suppressFinding';

export interface MoveArgs {
  uri: string;
  /** Offsets of the secrets to move (the diagnostics' starts); none = every secret in the file. */
  offsets?: number[];
  strategy?: MigrationStrategy;
}

const SECRET_RULE = /^MCPS1\d\d$/;

const CONFIG_COMMENT: Record<string, string | undefined> = { jsonc: '//', toml: '#', yaml: '#', json: undefined };

/**
 * The line-comment syntax of a file, if it has one, so a suppression comment can be inserted.
 * Decided by what the file's client reads (the engine's format), not by VS Code's language
 * mode: VS Code shows every mcp.json as "JSON with Comments", yet Cursor's, Roo's and others'
 * are strict JSON, where a comment would break the client.
 */
function commentPrefix(document: vscode.TextDocument, kind: DocumentKind): string | undefined {
  if (kind.type === 'config') return CONFIG_COMMENT[kind.candidate.format];
  if (kind.type === 'dotenv') return '#';
  const name = path.basename(document.fileName);
  if (/\.py$/.test(name)) return '#';
  if (/\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|go)$/.test(name)) return '//';
  return undefined;
}

function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  const value = typeof code === 'object' ? code.value : code;
  return typeof value === 'string' ? value : undefined;
}

export class SecretQuickFixes implements vscode.CodeActionProvider {
  /**
   * Authorization findings (MCPS2xx): insert a check (the project's own helper when it has
   * one, else the SDK's idiom), fix a fail-open check or a decorator order, or suppress.
   * The edits come from the core; applying them is one WorkspaceEdit.
   */
  private authorizationFixes(document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const project = this.findings.projectOf(document.uri.fsPath);
    if (!project) return [];
    const current = this.findings.findings.get(document.uri.fsPath) ?? [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const rule = ruleOf(diagnostic);
      if (diagnostic.source !== 'MCP Secure' || !rule || !AUTHZ_RULE.test(rule)) continue;
      const offset = document.offsetAt(diagnostic.range.start);
      const finding = current.find((f) => f.ruleId === rule && f.range.start.offset === offset);
      if (!finding) continue;
      for (const fix of authzFixes(finding, document.getText(), project)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.isPreferred === true;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) {
          action.edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.newText);
        }
        actions.push(action);
      }
    }
    return actions;
  }

  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly findings: FindingsService) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const kind = this.findings.documentKind(document.uri.fsPath);
    const ours = context.diagnostics.filter((d) => d.source === 'MCP Secure' && SECRET_RULE.test(ruleOf(d) ?? ''));
    if (!kind) return [];
    if (ours.length === 0) return this.authorizationFixes(document, context);
    const actions: vscode.CodeAction[] = [];
    const isConfig = kind.kind.type === 'config';
    for (const diagnostic of ours) {
      if (isConfig) {
        const offset = document.offsetAt(diagnostic.range.start);
        const move = new vscode.CodeAction('Move to OS keychain', vscode.CodeActionKind.QuickFix);
        move.diagnostics = [diagnostic];
        move.isPreferred = true;
        move.command = { command: MOVE_TO_KEYCHAIN, title: move.title, arguments: [{ uri: document.uri.toString(), offsets: [offset] } satisfies MoveArgs] };
        actions.push(move);
        if (kind.kind.type === 'config' && kind.kind.candidate.client === 'vscode' && kind.kind.candidate.shape === 'vscode-servers') {
          const input = new vscode.CodeAction('Use a VS Code password input', vscode.CodeActionKind.QuickFix);
          input.diagnostics = [diagnostic];
          input.command = { command: MOVE_TO_KEYCHAIN, title: input.title, arguments: [{ uri: document.uri.toString(), offsets: [offset], strategy: 'vscode-input' } satisfies MoveArgs] };
          actions.push(input);
        }
      }
      const prefix = commentPrefix(document, kind.kind);
      if (prefix) {
        const suppress = new vscode.CodeAction(`Suppress ${ruleOf(diagnostic)} with a reason…`, vscode.CodeActionKind.QuickFix);
        suppress.diagnostics = [diagnostic];
        suppress.command = { command: SUPPRESS_FINDING, title: suppress.title, arguments: [document.uri.toString(), diagnostic.range.start.line, ruleOf(diagnostic), prefix] };
        actions.push(suppress);
      }
    }
    actions.push(...this.authorizationFixes(document, context));
    if (isConfig && this.findings.findings.get(document.uri.fsPath)?.some((f) => f.category === 'secret')) {
      const all = new vscode.CodeAction('Move all secrets in this file to the OS keychain', vscode.CodeActionKind.QuickFix);
      all.diagnostics = ours;
      all.command = { command: MOVE_TO_KEYCHAIN, title: all.title, arguments: [{ uri: document.uri.toString() } satisfies MoveArgs] };
      actions.push(all);
    }
    return actions;
  }
}

/** The command behind the keychain quick fixes. Returns how many values moved. */
const AUTHZ_RULE = /^MCPS2\d\d$/;
export async function moveToKeychain(
  args: MoveArgs,
  deps: { findings: FindingsService; keychain: KeychainService; log: Log; extensionPath: string },
): Promise<number> {
  const uri = vscode.Uri.parse(args.uri);
  const document = await vscode.workspace.openTextDocument(uri);
  const tracked = deps.findings.documentKind(uri.fsPath);
  if (!tracked || tracked.kind.type !== 'config') throw new Error(`${path.basename(uri.fsPath)} is not a client config MCP Secure knows how to rewrite.`);
  const candidate = { ...tracked.kind.candidate, path: uri.fsPath };
  const text = document.getText();
  const version = document.version;
  const denv = currentMachineEnv();
  const keychain = deps.keychain.open();
  const strategy = args.strategy ?? 'keychain';

  const existing = new Set((await keychain.list()).map((e) => e.account));
  const plan = planMigration({
    text,
    candidate,
    root: tracked.root,
    service: keychain.service,
    launcher: launcherPath(denv),
    existingAccounts: existing,
    strategy,
    ...(args.offsets ? { only: { offsets: args.offsets } } : {}),
  });
  if (plan.secrets.length === 0) {
    const why = plan.skipped.map((s) => `${s.serverName}: ${s.reason}`).join('; ');
    void vscode.window.showWarningMessage(`MCP Secure: nothing to move${why ? ` (${why})` : ''}.`);
    return 0;
  }
  // Check the rewrite before anything is stored: a plan that would not re-parse is never applied.
  const newText = applyEdits(text, plan.edits);
  const problems = verifyMigratedText(text, newText, candidate, plan);
  if (problems.length > 0) throw new Error(`the rewrite could not be verified (${problems[0]}); nothing was changed.`);

  if (plan.changes.length > 0 && strategy === 'keychain') {
    // Configs will name the launcher: make sure it exists at its stable path first.
    const installed = installLauncher(denv, { sourceDir: path.join(deps.extensionPath, 'dist'), nodePath: process.execPath });
    if (installed.changed) deps.log.info(`Installed the launcher at ${installed.path} (${installed.stamp})`);
  }

  const entries = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'MCP Secure: storing in the OS keychain' },
    () => storePlanSecrets(plan, keychain),
  );
  if (document.version !== version) {
    throw new Error(
      `the document changed while the keychain was written; nothing in it was changed. The values are safe in the keychain (${entries.map((e) => e.account).join(', ')}): run the fix again.`,
    );
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of plan.edits) edit.replace(uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.newText);
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new Error(`the editor refused the edit; the document is unchanged and the values are in the keychain (${entries.map((e) => e.account).join(', ')}).`);
  }
  // Saved, so the plaintext leaves the disk too; Undo still restores the text.
  await document.save();
  deps.log.info(`Moved ${entries.length} value(s) from ${uri.fsPath} to the keychain: ${entries.map((e) => e.reference).join(', ')}`);
  const notes = plan.warnings.length > 0 ? ` ${plan.warnings[0]}` : '';
  void vscode.window.showInformationMessage(
    strategy === 'vscode-input'
      ? `MCP Secure: ${entries.length} value(s) now come from VS Code password inputs (VS Code asks once, then stores them encrypted).${notes}`
      : `MCP Secure: moved ${entries.length} value(s) to the OS keychain. Restart the affected servers.${notes}`,
  );
  await deps.keychain.refresh();
  return entries.length;
}

/** Inserts `<prefix> mcp-secure-ignore <rule> <reason>` above the line, with its indentation. */
export async function suppressFinding(uriText: string, line: number, ruleId: string, prefix: string): Promise<void> {
  const reason = await vscode.window.showInputBox({
    title: `Suppress ${ruleId}`,
    prompt: 'Why is this not a problem? The reason is kept in the comment (required).',
    validateInput: (v) => (v.trim().length < 3 ? 'Give a reason (a few words)' : undefined),
  });
  if (!reason) return;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uriText));
  const indent = /^\s*/.exec(document.lineAt(line).text)?.[0] ?? '';
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(line, 0), `${indent}${prefix} mcp-secure-ignore ${ruleId} ${reason.trim()}\n`);
  await vscode.workspace.applyEdit(edit);
}
