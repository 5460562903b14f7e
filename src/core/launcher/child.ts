/**
 * Starting the MCP server as the launcher's child: stdio inherited (the client talks JSON-RPC
 * straight to the server; the launcher never touches stdout), signals forwarded, and an
 * outcome the caller turns into the launcher's exit code.
 *
 * On Windows a `.cmd`/`.bat` (npx.cmd and every npm shim) cannot be spawned directly: it runs
 * through `cmd.exe /d /s /c` with each argument quoted for the C runtime and its cmd.exe
 * metacharacters escaped twice (once for this command line, once for the shim's `%*`).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import type { LauncherPlatform } from './pathFix';

export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ChildSpec {
  command: string;
  args: readonly string[];
  env: Record<string, string | undefined>;
  platform: LauncherPlatform;
  /** Where the command was found (used on Windows to decide on cmd.exe). */
  resolved?: string;
  cwd?: string;
  /** 'inherit' for the real launcher; tests may pipe. */
  stdio?: StdioOptions;
}

export type ChildOutcome =
  | { kind: 'exit'; code: number; signal?: NodeJS.Signals }
  | { kind: 'spawn-error'; errno: string; message: string };

/** The launcher's exit code for a child that ended: its code, or 128 + the signal number. */
export function exitCodeFor(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal) return 128 + (osConstants.signals[signal] ?? 0);
  return 1;
}

/** One argument for a cmd.exe command line: C-runtime quoting, then `^`-escaping of metacharacters. */
export function quoteForCmd(arg: string, doubleEscape = true): string {
  // C runtime rules: backslashes before a quote are doubled and the quote escaped; trailing
  // backslashes are doubled because the closing quote follows.
  let quoted = arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1');
  quoted = `"${quoted}"`;
  quoted = quoted.replace(/[()%!^"<>&|]/g, '^$&');
  if (doubleEscape) quoted = quoted.replace(/[()%!^"<>&|]/g, '^$&');
  return quoted;
}

/** The argv that runs a batch file with its arguments intact. */
export function cmdShimInvocation(file: string, args: readonly string[], comspec = 'cmd.exe'): { file: string; args: string[] } {
  const line = [quoteForCmd(file, false), ...args.map((a) => quoteForCmd(a, true))].join(' ');
  return { file: comspec, args: ['/d', '/s', '/c', `"${line}"`] };
}

export function isBatchFile(file: string | undefined): boolean {
  return !!file && /\.(cmd|bat)$/i.test(path.win32.extname(file));
}

/**
 * Runs the child to completion. Signals the launcher receives are forwarded to the child; the
 * launcher stays alive until the child exits so it can return the child's exit code.
 */
export function runChild(spec: ChildSpec, signals: SignalSource = process): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    const stdio = spec.stdio ?? 'inherit';
    try {
      if (spec.platform === 'win32' && isBatchFile(spec.resolved)) {
        const comspec = Object.entries(spec.env).find(([k]) => k.toUpperCase() === 'COMSPEC')?.[1] || 'cmd.exe';
        const inv = cmdShimInvocation(spec.resolved!, spec.args, comspec);
        child = spawn(inv.file, inv.args, { stdio, env: spec.env, cwd: spec.cwd, windowsVerbatimArguments: true });
      } else {
        const file = spec.platform === 'win32' && spec.resolved ? spec.resolved : spec.command;
        child = spawn(file, [...spec.args], { stdio, env: spec.env, cwd: spec.cwd });
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      resolve({ kind: 'spawn-error', errno: e.code ?? 'UNKNOWN', message: e.message });
      return;
    }

    const forwarders = new Map<NodeJS.Signals, () => void>();
    for (const signal of FORWARDED_SIGNALS) {
      const forward = () => {
        try {
          child.kill(signal);
        } catch {
          // the child is already gone; its exit event follows
        }
      };
      forwarders.set(signal, forward);
      try {
        signals.on(signal, forward);
      } catch {
        // a signal this platform cannot listen for
      }
    }
    const cleanup = () => {
      for (const [signal, forward] of forwarders) signals.off(signal, forward);
    };

    let settled = false;
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      // 'error' without a pid: the process never started.
      if (child.pid === undefined) {
        settled = true;
        cleanup();
        resolve({ kind: 'spawn-error', errno: error.code ?? 'UNKNOWN', message: error.message });
      }
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({ kind: 'exit', code: exitCodeFor(code, signal), signal: signal ?? undefined });
    });
  });
}
