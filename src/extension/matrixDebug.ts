/**
 * The Debug run profile of the principal matrix: the harness starts the server under a
 * debugger and VS Code attaches to it.
 *
 * - Node (node, npx, tsx, ts-node, npm/pnpm/yarn, or a .js/.mjs/.cjs/.ts entry): the server gets
 *   NODE_OPTIONS=--inspect-brk=127.0.0.1:0; every "Debugger listening on ws://127.0.0.1:<port>/…"
 *   line on its stderr is attached to with js-debug (continueOnAttach), so breakpoints bind
 *   before the first line runs. Child node processes get their own attach the same way.
 * - Python (python, python3, pythonX.Y): if the server's interpreter can import debugpy and the
 *   Python Debugger extension is installed, VS Code listens on a free 127.0.0.1 port and the
 *   server is started as `python -m debugpy --connect 127.0.0.1:<port> …`.
 * - Anything else (Go, docker, uvx, …): not debugged; the run says so and does not start.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MatrixConfig } from '../core/matrix/types';
import { freePort } from '../core/util/freePort';

export type DebugPlan =
  | { kind: 'node'; env: NodeJS.ProcessEnv; describe: string }
  | { kind: 'python'; config: MatrixConfig; port: number; describe: string }
  | { kind: 'unsupported'; reason: string };

const NODE_COMMANDS = /^(node|nodejs|npx|npm|pnpm|yarn|tsx|ts-node)(\.exe|\.cmd)?$/i;
const NODE_ENTRY = /\.(c|m)?(j|t)s$/i;
const PYTHON_COMMANDS = /^python(\d+(\.\d+)?)?(\.exe)?$/i;

/** How (and whether) a debug run can start this matrix file's server. */
export async function planDebug(config: MatrixConfig, cwd: string): Promise<DebugPlan> {
  const command = path.basename(config.server.command);
  if (NODE_COMMANDS.test(command) || NODE_ENTRY.test(command)) {
    const existing = process.env.NODE_OPTIONS ?? '';
    const env = { ...process.env, NODE_OPTIONS: `${existing} --inspect-brk=127.0.0.1:0`.trim() };
    return { kind: 'node', env, describe: 'Node server: started with --inspect-brk=127.0.0.1:0, the JavaScript debugger attaches to each process' };
  }
  if (PYTHON_COMMANDS.test(command)) {
    if (!vscode.extensions.getExtension('ms-python.debugpy')) {
      return { kind: 'unsupported', reason: `the server runs with ${command}: debugging it needs the Python Debugger extension (ms-python.debugpy), which is not installed.` };
    }
    const serverCwd = path.resolve(cwd, config.server.cwd ?? '.');
    const ok = await new Promise<boolean>((resolve) =>
      execFile(config.server.command, ['-c', 'import debugpy'], { cwd: serverCwd, timeout: 15_000, windowsHide: true }, (error) => resolve(!error)),
    );
    if (!ok) {
      return { kind: 'unsupported', reason: `the server's interpreter (${config.server.command}) cannot import debugpy. Install it into the server's environment (pip install debugpy) to debug matrix cells.` };
    }
    const port = await freePort();
    const args = ['-m', 'debugpy', '--connect', `127.0.0.1:${port}`, ...(config.server.args ?? [])];
    return {
      kind: 'python',
      port,
      config: { ...config, server: { ...config.server, args } },
      describe: `Python server: started under debugpy, connecting to VS Code on 127.0.0.1:${port}`,
    };
  }
  return {
    kind: 'unsupported',
    reason: `the server runs with "${command}": MCP Secure can start Node servers (node, npx, tsx, …) and Python servers (with debugpy) under the debugger, not this one. Start it under your debugger yourself, or run the cell without debugging.`,
  };
}


const INSPECTOR_LINE = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//g;

/** Attaches VS Code's debuggers to the servers a debug run starts; stops them afterwards. */
export class DebugAttacher implements vscode.Disposable {
  private readonly seen = new Set<number>();
  private readonly sessions = new Set<vscode.DebugSession>();
  private readonly listeners: vscode.Disposable[] = [];
  attached = 0;

  constructor(
    private readonly folder: vscode.WorkspaceFolder | undefined,
    private readonly run: vscode.TestRun,
    private readonly say: (text: string) => void,
  ) {
    this.listeners.push(
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.configuration.mcpSecureMatrix) this.sessions.add(s);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.sessions.delete(s)),
    );
  }

  /** Node: called with the server's stderr; attaches once per inspector port. */
  onServerOutput(text: string, principal?: string): void {
    for (const m of text.matchAll(INSPECTOR_LINE)) {
      const port = Number(m[1]);
      if (this.seen.has(port)) continue;
      this.seen.add(port);
      const name = `MCP server${principal ? ` (${principal})` : ''} :${port}`;
      this.say(`Attaching the JavaScript debugger to 127.0.0.1:${port}${principal ? ` (server started for ${principal})` : ''}`);
      void vscode.debug
        .startDebugging(
          this.folder,
          {
            type: 'node',
            request: 'attach',
            name,
            address: '127.0.0.1',
            port,
            continueOnAttach: true,
            autoAttachChildProcesses: false,
            skipFiles: ['<node_internals>/**'],
            mcpSecureMatrix: true,
          },
          { testRun: this.run, suppressDebugToolbar: false },
        )
        .then(
          (ok) => {
            if (ok) {
              this.attached++;
              this.say(`JavaScript debugger attached to 127.0.0.1:${port}`);
            } else this.say(`The debugger did not attach to 127.0.0.1:${port}; the server waits at its first line until the run times out.`);
          },
          (error: unknown) => this.say(`Could not attach to 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`),
        );
    }
  }

  /** Python: VS Code listens first; the server connects when the harness starts it. */
  async listenForPython(port: number): Promise<boolean> {
    const ok = await vscode.debug.startDebugging(
      this.folder,
      { type: 'debugpy', request: 'attach', name: `MCP server (debugpy :${port})`, listen: { host: '127.0.0.1', port }, justMyCode: true, mcpSecureMatrix: true },
      { testRun: this.run },
    );
    if (ok) this.attached++;
    return ok;
  }

  async dispose(): Promise<void> {
    for (const l of this.listeners) l.dispose();
    await Promise.all([...this.sessions].map((s) => vscode.debug.stopDebugging(s).then(undefined, () => undefined)));
  }
}
