/**
 * "MCP Secure: Create Principal Matrix": picks a discovered server, finds how it is launched
 * (a client config that runs it, or its manifest), and with the user's confirmation in a
 * trusted workspace starts it through the harness (process group, startup timeout, local
 * issuer), lists its tools and stops it. The principals come from the scopes the authorization
 * lint finds in the server's checks. Restricted Mode, or a server that does not start: the
 * matrix can still be written from the tools found in the source.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { lastFileFacts, lintAuthorization } from '../core/authz';
import { loadProjectSettings } from '../core/scan/scan';
import type { ClientConfig, ServerProject } from '../core/model';
import {
  buildMatrixDocument,
  launchesFromConfigs,
  launchesFromManifest,
  proposePrincipals,
  toolScopesFromFacts,
  type ConfigLaunch,
  type LaunchCandidate,
  type ListedTool,
  type ProjectForLaunch,
} from '../core/matrix/scaffold';
import type { DiscoveryService } from './discoveryService';
import type { Log } from './log';
import { MATRIX_FILE } from './matrixTesting';

function loadProbe(): typeof import('../core/matrix/probe') {
  return require(path.join(__dirname, 'matrix.js')) as typeof import('../core/matrix/probe');
}

const relLabel = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/') || '.';

/** Every stdio entry of the folder's and the user's client configs (names and values of env are kept apart: only names travel). */
function configLaunches(configs: readonly ClientConfig[]): ConfigLaunch[] {
  return configs.flatMap((c) =>
    c.servers
      .filter((s) => !s.disabled)
      .map((s) => ({
        configPath: c.path,
        name: s.name,
        transport: s.transport,
        command: s.command?.value,
        args: s.args.map((a) => a.value),
        cwd: s.cwd?.value,
        env: s.env.map((e) => ({ key: e.key, value: '' })),
      })),
  );
}

/** Per tool, the scopes its checks name: a fresh authorization lint of the project, read from its facts. */
async function toolScopes(folderRoot: string, server: ServerProject, log: Log): Promise<Record<string, string[]>> {
  try {
    const { settings } = await loadProjectSettings(folderRoot);
    await lintAuthorization({
      root: folderRoot,
      servers: [server],
      readFile: (p) => readFile(p, 'utf8'),
      settings: { authorizationFunctions: settings.authorizationFunctions },
    });
    const files = server.sources.flatMap((file) => lastFileFacts(file) ?? []);
    return toolScopesFromFacts(files);
  } catch (error) {
    log.warn(`Create Principal Matrix: no scopes from the authorization lint (${error instanceof Error ? error.message : String(error)})`);
    return {};
  }
}

export async function createMatrix(discovery: DiscoveryService, log: Log, reload: () => Promise<void>): Promise<void> {
  const snapshot = discovery.snapshot ?? (await discovery.refresh());
  const choices = snapshot.folders.flatMap((folder) => folder.servers.map((server) => ({ folder, server })));
  if (choices.length === 0) throw new Error('no MCP server project was discovered in this workspace.');
  const picked =
    choices.length === 1
      ? choices[0]
      : (
          await vscode.window.showQuickPick(
            choices.map((c) => ({ label: relLabel(c.folder.root, c.server.root), description: `${c.server.language} · ${c.server.tools.length} tools`, c })),
            { title: 'MCP Secure: create a principal matrix for' },
          )
        )?.c;
  if (!picked) return;
  const { folder, server } = picked;
  const target = vscode.Uri.file(path.join(folder.root, MATRIX_FILE));
  if (await vscode.workspace.fs.stat(target).then(() => true, () => false)) {
    await vscode.window.showTextDocument(target);
    void vscode.window.showInformationMessage(`MCP Secure: ${MATRIX_FILE} already exists; edit it, or delete it to start over.`);
    return;
  }
  const projectLabel = relLabel(folder.root, server.root);
  const packageJson = path.join(server.root, 'package.json');
  const project: ProjectForLaunch = {
    root: server.root,
    language: server.language,
    transports: server.transports,
    toolFiles: [...new Set(server.tools.map((t) => t.file))],
    packageJson: existsSync(packageJson) ? await readFile(packageJson, 'utf8').catch(() => undefined) : undefined,
  };
  const fromConfigs = launchesFromConfigs(project, folder.root, configLaunches([...folder.configs, ...snapshot.userConfigs]), (p) => existsSync(p));
  const candidates = [...fromConfigs, ...launchesFromManifest(project, folder.root, (p) => existsSync(p))];
  if (candidates.length === 0) throw new Error(`no way to start ${projectLabel} was found (no client config runs it, no start script).`);
  const scopes = await toolScopes(folder.root, server, log);
  log.info(`Create Principal Matrix: ${projectLabel}: ${candidates.length} launch candidate(s); scopes per tool ${JSON.stringify(scopes)}`);

  const write = async (text: string) => {
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    await vscode.window.showTextDocument(target);
    await reload();
  };
  const fromSource = async (launch: LaunchCandidate, why: string) => {
    const tools: ListedTool[] = server.tools.map((t) => ({ name: t.name }));
    await write(buildMatrixDocument({ server: launch.server, tools, toolScopes: scopes, launchLabel: `${launch.label}: ${launch.detail}`, projectLabel, droppedEnv: launch.droppedEnv, staticOnly: why }));
  };

  if (!vscode.workspace.isTrusted) {
    // Restricted Mode: nothing is started. The matrix can still come from the source.
    const choice = await vscode.window.showWarningMessage(
      `MCP Secure: listing ${projectLabel}'s tools means starting it, which happens only in a trusted workspace.`,
      'Write from Source',
      'Manage Workspace Trust',
    );
    if (choice === 'Write from Source') await fromSource(candidates[0]!, 'Restricted Mode: the server was not started');
    else if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }

  const launch =
    candidates.length === 1
      ? candidates[0]
      : (
          await vscode.window.showQuickPick(
            candidates.map((c) => ({ label: c.label, description: c.server.transport, detail: c.detail, c })),
            { title: `MCP Secure: how to start ${projectLabel}`, placeHolder: 'The launch the matrix file will use (editable later)' },
          )
        )?.c;
  if (!launch) return;
  const confirm = await vscode.window.showWarningMessage(
    `Start ${projectLabel} to list its tools?`,
    {
      modal: true,
      detail: `MCP Secure runs "${launch.detail}" in ${relLabel(folder.root, path.resolve(folder.root, launch.server.cwd ?? '.'))} with a local test issuer on 127.0.0.1, asks it for tools/list (no tool is called) and stops it (its whole process group). It gives up after ${(launch.server.startupTimeoutMs ?? 15000) / 1000} s.`,
    },
    'Start Server',
    'Write from Source Only',
  );
  if (!confirm) return;
  if (confirm === 'Write from Source Only') {
    await fromSource(launch, 'you chose not to start the server');
    return;
  }
  const all = Object.values(scopes).flat();
  const probePrincipal = proposePrincipals(all).principals.admin!;
  let listed;
  try {
    listed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MCP Secure: starting ${projectLabel} to list its tools`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await loadProbe().probeServerTools(launch.server, {
            cwd: folder.root,
            principal: probePrincipal,
            signal: abort.signal,
            handleSignals: false,
            onOutput: (t) => log.debug(`[${projectLabel}] ${t.trimEnd()}`),
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`Create Principal Matrix: ${projectLabel} did not list its tools`, error);
    const choice = await vscode.window.showWarningMessage(`MCP Secure: ${projectLabel}: ${message}`, 'Write from Source', 'Show Log');
    if (choice === 'Write from Source') await fromSource(launch, `the server did not start: ${message.slice(0, 120)}`);
    else if (choice) log.show();
    return;
  }
  log.info(`Create Principal Matrix: ${projectLabel} listed ${listed.tools.length} tool(s) in ${listed.durationMs} ms`);
  const names = new Set(listed.tools.map((t) => t.name));
  await write(
    buildMatrixDocument({
      server: launch.server,
      tools: listed.tools,
      toolScopes: scopes,
      launchLabel: `${launch.label}: ${launch.detail}`,
      projectLabel,
      droppedEnv: launch.droppedEnv,
      notListed: server.tools.map((t) => t.name).filter((n) => !names.has(n)),
    }),
  );
}
