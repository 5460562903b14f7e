/**
 * Extension entry point: wires the core to VS Code. activate() only registers things and
 * schedules the first discovery run; nothing slow happens before it returns.
 */
import * as vscode from 'vscode';
import { VERSION } from '../core/version';
import { discoveryToJson } from '../core/report/discovery';
import { FindingsService } from './findingsService';
import { KeychainService, type KeychainItem } from './keychainService';
import { MOVE_TO_KEYCHAIN, SUPPRESS_FINDING, SecretQuickFixes, moveToKeychain, suppressFinding, type MoveArgs } from './quickFixes';
import type { FindingsService as Findings } from './findingsService';
import { MatrixTesting, SHOW_GRID_COMMAND } from './matrixTesting';
import { createMatrix } from './matrixScaffold';
import { MatrixGridPanel } from './matrixGrid';
import { DiscoveryService } from './discoveryService';
import { DiscoveryTreeProvider, OPEN_LOCATION_COMMAND, openLocation } from './discoveryTree';
import { discoverySettings } from './config';
import { Log } from './log';

interface Ctx {
  log: Log;
  discovery: DiscoveryService;
  keychain: KeychainService;
  findings: Findings;
  extensionPath: string;
  matrix: MatrixTesting;
  grid: MatrixGridPanel;
}

/** The matrix starts servers: in Restricted Mode say so (with a way to trust) and do nothing. */
async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const trust = await vscode.window.showWarningMessage(`MCP Secure: ${what} only in a trusted workspace.`, 'Manage Workspace Trust');
  if (trust) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** Keychain commands receive the tree node; from the palette they ask which entry. */
async function pickEntry(ctx: Ctx, node: { item?: KeychainItem } | undefined): Promise<KeychainItem | undefined> {
  if (node?.item) return node.item;
  await ctx.keychain.refresh();
  const { items, failure } = ctx.keychain.state;
  if (failure) throw failure;
  if (items.length === 0) {
    void vscode.window.showInformationMessage('MCP Secure: the keychain holds no entries stored by MCP Secure.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({ label: item.entry.account, description: `${item.references.length} reference(s)`, item })),
    { title: 'MCP Secure: keychain entry' },
  );
  return picked?.item;
}

/** Command id → handler. Titles and categories live in package.json. */
const COMMANDS: Record<string, (ctx: Ctx, ...args: any[]) => unknown> = {
  'mcpSecure.refresh': async (ctx) => {
    await ctx.discovery.refresh();
  },
  'mcpSecure.showLog': (ctx) => ctx.log.show(),
  'mcpSecure.keychain.refresh': (ctx) => ctx.keychain.refresh(),
  'mcpSecure.keychain.reveal': async (ctx, node) => {
    const item = await pickEntry(ctx, node);
    if (item) await ctx.keychain.reveal(item);
  },
  'mcpSecure.keychain.rotate': async (ctx, node) => {
    const item = await pickEntry(ctx, node);
    if (item) await ctx.keychain.rotate(item);
  },
  'mcpSecure.keychain.delete': async (ctx, node) => {
    const item = await pickEntry(ctx, node);
    if (item) await ctx.keychain.delete(item);
  },
  'mcpSecure.keychain.restorePlaintext': async (ctx, node) => {
    const item = await pickEntry(ctx, node);
    if (item) await ctx.keychain.restorePlaintext(item);
  },
  'mcpSecure.showDiscoveryReport': async (ctx) => {
    const snapshot = ctx.discovery.snapshot ?? (await ctx.discovery.refresh());
    const report = {
      folders: snapshot.folders.map((folder) => ({ root: folder.root, ...discoveryToJson(folder) })),
      userConfigs: discoveryToJson({ root: '/', servers: [], configs: snapshot.userConfigs, envFiles: [], problems: snapshot.userProblems }).configs,
    };
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(report, null, 2) });
    await vscode.window.showTextDocument(document, { preview: false });
  },
  [MOVE_TO_KEYCHAIN]: async (ctx, args?: MoveArgs) => {
    const target = args ?? activeConfigArgs();
    if (!target) throw new Error('open an MCP client config to move its secrets to the OS keychain.');
    return moveToKeychain(target, ctx);
  },
  [SUPPRESS_FINDING]: (_ctx, uri: string, line: number, ruleId: string, prefix: string) => suppressFinding(uri, line, ruleId, prefix),
  'mcpSecure.runMatrix': async (ctx) => {
    if (!(await requireTrust('the principal matrix starts the MCP server, so it runs'))) return;
    await ctx.matrix.runAll(() => ctx.grid.show(true));
  },
  [SHOW_GRID_COMMAND]: async (ctx) => {
    if (!(await requireTrust('the principal matrix grid (which runs and re-runs cells) opens'))) return;
    await ctx.matrix.loadAll();
    ctx.grid.show();
  },
  'mcpSecure.createMatrix': (ctx) => createMatrix(ctx.discovery, ctx.log, () => ctx.matrix.loadAll()),
  [OPEN_LOCATION_COMMAND]: (_ctx, file: string, range?: Parameters<typeof openLocation>[1]) => openLocation(file, range),
};

/** From the palette: every secret of the config in the active editor. */
function activeConfigArgs(): MoveArgs | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document ? { uri: document.uri.toString() } : undefined;
}

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  context.subscriptions.push(log);
  log.info(`MCP Secure ${VERSION} activating (VS Code ${vscode.version}, ${process.platform}, Node ${process.versions.node})`);
  log.info(
    vscode.workspace.isTrusted
      ? 'Workspace is trusted.'
      : 'Restricted Mode: static analysis only. No MCP server, launcher or harness process will be started until the workspace is trusted.',
  );
  log.info(`Settings: ${JSON.stringify(discoverySettings())}`);

  const discovery = new DiscoveryService(log);
  const findings = new FindingsService(discovery, log, context.extensionUri);
  const keychain = new KeychainService(discovery, log);
  const tree = new DiscoveryTreeProvider(discovery, findings, keychain);
  const matrix = new MatrixTesting(log);
  const grid = new MatrixGridPanel(context.extensionUri, matrix);
  const view = vscode.window.createTreeView('mcpSecure.discovery', { treeDataProvider: tree, showCollapseAll: true });
  const updateViewMessage = () => {
    view.message = vscode.workspace.isTrusted
      ? undefined
      : 'Restricted Mode: showing what static analysis finds. Servers are never started here until you trust this folder.';
  };
  updateViewMessage();
  context.subscriptions.push(
    discovery,
    findings,
    keychain,
    matrix,
    grid,
    tree,
    view,
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new SecretQuickFixes(findings), SecretQuickFixes.metadata),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trust granted.');
      updateViewMessage();
    }),
  );
  void vscode.commands.executeCommand('setContext', 'mcpSecure.trusted', vscode.workspace.isTrusted);

  const ctx: Ctx = { log, discovery, keychain, findings, extensionPath: context.extensionPath, matrix, grid };
  for (const [id, handler] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(ctx, ...args);
        } catch (error) {
          log.error(`Command ${id} failed`, error);
          void vscode.window.showErrorMessage(`MCP Secure: ${error instanceof Error ? error.message : String(error)}`, 'Show Log').then((choice) => {
            if (choice) log.show();
          });
          return undefined;
        }
      }),
    );
  }

  // First discovery after activation returns, so activation stays instant.
  setTimeout(() => {
    discovery.refresh().catch(() => undefined);
  }, 0);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
