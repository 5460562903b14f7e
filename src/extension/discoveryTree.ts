/**
 * The "Servers & Configs" tree: server projects → tools, workspace configs → servers,
 * user configs → servers. Every leaf opens the exact source position.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ClientConfig, ConfigServer, DiscoveryResult, FileProblem, Finding, ServerProject, SourceRange, ToolInfo } from '../core/model';
import { clientLabel } from '../core/discovery/clients';
import { redactUrl } from '../core/util/redact';
import { redactSecretsIn } from '../core/report/discovery';
import type { DiscoveryService, DiscoverySnapshot } from './discoveryService';
import type { FindingsService } from './findingsService';
import type { KeychainItem, KeychainService } from './keychainService';
import type { KeyringReferenceSite } from '../core/keychain/references';

export const OPEN_LOCATION_COMMAND = 'mcpSecure.openLocation';
const REFRESH_DEBOUNCE_MS = 120;

type GroupId = 'findings' | 'servers' | 'workspaceConfigs' | 'userConfigs' | 'keychain';

type Node =
  | { kind: 'group'; id: GroupId }
  | { kind: 'findingFile'; file: string; findings: readonly Finding[] }
  | { kind: 'finding'; finding: Finding }
  | { kind: 'keychainEntry'; item: KeychainItem }
  | { kind: 'keychainReference'; site: KeyringReferenceSite }
  | { kind: 'message'; text: string; detail?: string; icon: string }
  | { kind: 'server'; folder: DiscoveryResult; server: ServerProject }
  | { kind: 'tool'; server: ServerProject; tool: ToolInfo }
  | { kind: 'config'; folder: DiscoveryResult | undefined; config: ClientConfig }
  | { kind: 'configServer'; config: ClientConfig; server: ConfigServer }
  | { kind: 'problem'; problem: FileProblem };

const GROUP_LABELS: Record<GroupId, string> = {
  findings: 'Findings',
  servers: 'Servers',
  workspaceConfigs: 'Workspace configs',
  userConfigs: 'User configs',
  keychain: 'Keychain',
};
/** How the authorization lint judged each tool. */
const VERDICT_ICON: Record<string, vscode.ThemeIcon> = {
  protected: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  unprotected: new vscode.ThemeIcon('unlock', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  unknown: new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};
const SEVERITY_ICON: Record<Finding['severity'], vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

export class DiscoveryTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly groups: Record<GroupId, Node> = {
    findings: { kind: 'group', id: 'findings' },
    servers: { kind: 'group', id: 'servers' },
    workspaceConfigs: { kind: 'group', id: 'workspaceConfigs' },
    userConfigs: { kind: 'group', id: 'userConfigs' },
    keychain: { kind: 'group', id: 'keychain' },
  };

  constructor(
    private readonly service: DiscoveryService,
    private readonly findingsService: FindingsService,
    private readonly keychainService: KeychainService,
  ) {
    // One refresh for a burst of changes (discovery, its scan and the keychain listing finish
    // within milliseconds of each other), and only when what the tree shows changed: refreshes
    // that overlapped made VS Code render one node's children under another.
    const schedule = () => {
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        const signature = this.signature();
        if (signature === this.lastSignature) return;
        this.lastSignature = signature;
        this.changed.fire(undefined);
      }, REFRESH_DEBOUNCE_MS);
    };
    this.subscriptions = [findingsService.onDidChange(schedule), keychainService.onDidChange(schedule)];
  }

  private refreshTimer: NodeJS.Timeout | undefined;
  private lastSignature = '';

  /** Everything the tree renders, as one string (labels, descriptions, counts, states). */
  private signature(): string {
    const snapshot = this.snapshot;
    if (!snapshot) return '';
    return JSON.stringify([
      snapshot.folders.map((f) => [
        f.root,
        f.servers.map((s) => [s.root, s.language, s.framework, s.transports, s.tools.map((t) => [t.name, t.file, t.line, this.findingsService.verdictFor(t.file, t.name, t.line)?.verdict])]),
        f.configs.map((c) => [c.path, c.client, c.scope, c.problems.map((p) => p.message), c.servers.map((s) => [s.name, s.transport, s.command?.value, s.url?.value, s.disabled])]),
      ]),
      snapshot.userConfigs.map((c) => [c.path, c.client, c.servers.map((s) => [s.name, s.transport, s.command?.value, s.url?.value])]),
      this.findingFiles().map(([file, list]) => [file, list.map((f) => [f.ruleId, f.fingerprint, f.range.start.offset, f.message])]),
      this.keychainService.state.failure?.message,
      this.keychainService.state.items.map((i) => [i.entry.reference, i.references.map((r) => [r.file, r.key, r.range.start.offset])]),
    ]);
  }

  private findingFiles(): Array<[string, readonly Finding[]]> {
    return [...this.findingsService.findings].filter(([, list]) => list.length > 0).sort(([a], [b]) => a.localeCompare(b));
  }

  private get snapshot(): DiscoverySnapshot | undefined {
    return this.service.snapshot;
  }

  getChildren(node?: Node): Node[] {
    const snapshot = this.snapshot;
    if (!snapshot) return [];
    if (!node) {
      const isEmpty =
        snapshot.folders.every((f) => f.servers.length === 0 && f.configs.length === 0) && snapshot.userConfigs.length === 0;
      return isEmpty ? [] : [this.groups.findings, this.groups.servers, this.groups.workspaceConfigs, this.groups.userConfigs, this.groups.keychain];
    }
    switch (node.kind) {
      case 'keychainEntry':
        return node.item.references.map((site): Node => ({ kind: 'keychainReference', site }));
      case 'findingFile':
        return node.findings.map((finding): Node => ({ kind: 'finding', finding }));
      case 'group':
        if (node.id === 'findings') return this.findingFiles().map(([file, findings]): Node => ({ kind: 'findingFile', file, findings }));
        if (node.id === 'keychain') {
          const { items, failure } = this.keychainService.state;
          if (failure) return [{ kind: 'message', text: failure.reason, detail: failure.fix, icon: 'warning' }];
          if (items.length === 0) return [{ kind: 'message', text: 'No entries stored by MCP Secure yet', icon: 'info' }];
          return items.map((item): Node => ({ kind: 'keychainEntry', item }));
        }
        if (node.id === 'servers') return snapshot.folders.flatMap((folder) => folder.servers.map((server): Node => ({ kind: 'server', folder, server })));
        if (node.id === 'workspaceConfigs') return snapshot.folders.flatMap((folder) => folder.configs.map((config): Node => ({ kind: 'config', folder, config })));
        return snapshot.userConfigs.map((config): Node => ({ kind: 'config', folder: undefined, config }));
      case 'server':
        return node.server.tools.map((tool): Node => ({ kind: 'tool', server: node.server, tool }));
      case 'config':
        return [
          ...node.config.problems.map((problem): Node => ({ kind: 'problem', problem })),
          ...node.config.servers.map((server): Node => ({ kind: 'configServer', config: node.config, server })),
        ];
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const snapshot = this.snapshot!;
    const multiRoot = snapshot.folders.length > 1;
    switch (node.kind) {
      case 'group': {
        if (node.id === 'keychain') {
          const { items } = this.keychainService.state;
          const item = new vscode.TreeItem(GROUP_LABELS.keychain, vscode.TreeItemCollapsibleState.Collapsed);
          item.description = String(items.length);
          item.iconPath = new vscode.ThemeIcon('key');
          item.contextValue = 'group.keychain';
          return item;
        }
        const count =
          node.id === 'findings'
            ? this.findingFiles().reduce((n, [, list]) => n + list.length, 0)
            : node.id === 'servers'
            ? snapshot.folders.reduce((n, f) => n + f.servers.length, 0)
            : node.id === 'workspaceConfigs'
              ? snapshot.folders.reduce((n, f) => n + f.configs.length, 0)
              : snapshot.userConfigs.length;
        const item = new vscode.TreeItem(GROUP_LABELS[node.id], count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon(
          node.id === 'findings' ? 'shield' : node.id === 'servers' ? 'server-process' : node.id === 'userConfigs' ? 'account' : 'settings-gear',
        );
        item.contextValue = `group.${node.id}`;
        return item;
      }
      case 'findingFile': {
        // Collapsed: the per-file count is the overview; the Problems panel has the full list.
        const item = new vscode.TreeItem(this.displayPath(node.file), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = String(node.findings.length);
        item.resourceUri = vscode.Uri.file(node.file);
        item.iconPath = vscode.ThemeIcon.File;
        item.contextValue = 'findingFile';
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const label = f.secret ? `${f.secret.key ?? f.secret.location} (${f.secret.redacted})` : f.message;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        item.description = `${f.ruleId}${f.secret ? ` · ${f.secret.provider}` : ''} · ${f.range.start.line}:${f.range.start.column}${f.secret?.gitExposure === 'history' ? ' · in git history' : ''}`;
        item.tooltip = f.message;
        item.iconPath = SEVERITY_ICON[f.severity];
        item.command = openCommand(f.file, f.range);
        item.contextValue = `finding.${f.category}`;
        return item;
      }
      case 'keychainEntry': {
        const { entry, references } = node.item;
        const item = new vscode.TreeItem(entry.account, references.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = `${entry.service === 'mcp-secure' ? '' : `${entry.service} · `}${references.length > 0 ? `${references.length} reference${references.length === 1 ? '' : 's'}` : 'not referenced'}`;
        item.tooltip = `${entry.reference}\nThe value stays in the OS keychain; use Reveal to see it.`;
        item.iconPath = new vscode.ThemeIcon('key');
        item.contextValue = 'keychainEntry';
        return item;
      }
      case 'keychainReference': {
        const item = new vscode.TreeItem(`${node.site.server} · ${node.site.key}`, vscode.TreeItemCollapsibleState.None);
        item.description = this.displayPath(node.site.file);
        item.iconPath = new vscode.ThemeIcon('references');
        item.command = openCommand(node.site.file, node.site.range);
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.tooltip = node.detail ? `${node.text}\n${node.detail}` : node.text;
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'server': {
        const label = folderRelative(node.folder.root, node.server.root, multiRoot);
        // Collapsed: children are fetched when opened (bulk fetches of many expanded nodes
        // after a refresh were where VS Code mixed up children).
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        const transports = node.server.transports.length > 0 ? node.server.transports.join(', ') : 'transport unknown';
        item.description = `${node.server.language} · ${node.server.framework} · ${transports}`;
        item.tooltip = new vscode.MarkdownString(
          `**${label}** — ${node.server.tools.length} tool(s)\n\n${node.server.language}, ${node.server.framework}, ${transports}\n\n\`${node.server.manifest}\``,
        );
        item.iconPath = new vscode.ThemeIcon('server-process');
        item.resourceUri = vscode.Uri.file(node.server.root);
        item.command = openCommand(node.server.manifest);
        item.contextValue = 'server';
        return item;
      }
      case 'tool': {
        const item = new vscode.TreeItem(node.tool.name, vscode.TreeItemCollapsibleState.None);
        const verdict = this.findingsService.verdictFor(node.tool.file, node.tool.name, node.tool.line);
        item.description = `${toPosix(path.relative(node.server.root, node.tool.file))}:${node.tool.line}${verdict ? ` · ${verdict.verdict}` : ''}`;
        item.tooltip = verdict ? `${node.tool.name}: ${verdict.verdict}${verdict.rules.length ? ` (${verdict.rules.join(', ')})` : ''}\n${verdict.reason}` : node.tool.name;
        item.iconPath = verdict ? VERDICT_ICON[verdict.verdict] : new vscode.ThemeIcon('tools');
        item.command = openCommand(node.tool.file, node.tool.range);
        item.contextValue = 'tool';
        return item;
      }
      case 'config': {
        const label = node.folder ? folderRelative(node.folder.root, node.config.path, multiRoot) : tildify(node.config.path);
        const state = node.config.servers.length + node.config.problems.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
        const item = new vscode.TreeItem(label, state);
        item.description = `${clientLabel(node.config.client)} · ${node.config.scope}`;
        item.tooltip = `${node.config.path}\n${clientLabel(node.config.client)}, ${node.config.scope} scope, ${node.config.servers.length} server(s)`;
        item.iconPath = new vscode.ThemeIcon(node.config.problems.some((p) => p.severity === 'error') ? 'error' : 'json');
        item.resourceUri = vscode.Uri.file(node.config.path);
        item.command = openCommand(node.config.path);
        item.contextValue = 'config';
        return item;
      }
      case 'configServer': {
        const item = new vscode.TreeItem(node.server.name, vscode.TreeItemCollapsibleState.None);
        const target = node.server.command ? redactSecretsIn(node.server.command.value) : node.server.url ? redactSecretsIn(redactUrl(node.server.url.value), 'url') : '';
        item.description = `${node.server.transport}${target ? ` · ${target}` : ''}${node.server.disabled ? ' · disabled' : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.server.transport === 'stdio' ? 'terminal' : 'globe');
        item.command = openCommand(node.config.path, node.server.nameRange);
        item.contextValue = 'configServer';
        return item;
      }
      case 'problem': {
        const where = node.problem.range ? `${node.problem.range.start.line}:${node.problem.range.start.column} ` : '';
        const item = new vscode.TreeItem(`${where}${node.problem.message}`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.problem.severity === 'error' ? 'error' : 'info');
        item.command = openCommand(node.problem.file, node.problem.range);
        item.contextValue = 'problem';
        return item;
      }
    }
  }

  /** Relative to its workspace folder (prefixed when there are several), else with ~. */
  private displayPath(file: string): string {
    const folders = this.snapshot?.folders ?? [];
    const folder = folders.find((f) => file.startsWith(f.root + path.sep));
    return folder ? folderRelative(folder.root, file, folders.length > 1) : tildify(file);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function openCommand(file: string, range?: SourceRange): vscode.Command {
  return { command: OPEN_LOCATION_COMMAND, title: 'Open', arguments: [file, range] };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function folderRelative(folderRoot: string, file: string, prefixFolder: boolean): string {
  const rel = toPosix(path.relative(folderRoot, file)) || '.';
  return prefixFolder ? `${path.basename(folderRoot)}/${rel}` : rel;
}

function tildify(file: string): string {
  const home = os.homedir();
  return file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

/** Opens a file with the given range selected (1-based positions from the core). */
export async function openLocation(file: string, range?: SourceRange): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const selection = range
    ? new vscode.Range(range.start.line - 1, range.start.column - 1, range.end.line - 1, range.end.column - 1)
    : undefined;
  await vscode.window.showTextDocument(document, { selection, preview: true });
}
