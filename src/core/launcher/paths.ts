/**
 * Where the launcher lives: a stable per-user path outside the versioned extension folder,
 * because client configs point at it and must survive extension updates.
 *
 *   linux   ${XDG_DATA_HOME:-~/.local/share}/mcp-secure/bin/mcp-secure-run
 *   darwin  ~/Library/Application Support/mcp-secure/bin/mcp-secure-run
 *   win32   %LOCALAPPDATA%\mcp-secure\bin\mcp-secure-run.cmd
 *
 * A wrapped config entry reads: command = launcher path, args = ['--', <original command>,
 * ...<original args>], env values = keyring://<service>/<account> references.
 */
import * as path from 'node:path';
import type { DiscoveryEnv } from '../discovery/clients';

export const LAUNCHER_NAME = 'mcp-secure-run';

/** The folder holding the launcher script and its runtime (`lib/cli.js`, keytar, wasm). */
export function launcherHome(denv: DiscoveryEnv): string {
  const p = denv.platform === 'win32' ? path.win32 : path.posix;
  switch (denv.platform) {
    case 'win32':
      return p.join(denv.env.LOCALAPPDATA || p.join(denv.home, 'AppData', 'Local'), 'mcp-secure');
    case 'darwin':
      return p.join(denv.home, 'Library', 'Application Support', 'mcp-secure');
    default:
      return p.join(denv.env.XDG_DATA_HOME || p.join(denv.home, '.local', 'share'), 'mcp-secure');
  }
}

/** Absolute path of the launcher executable that wrapped config entries name as `command`. */
export function launcherPath(denv: DiscoveryEnv): string {
  const p = denv.platform === 'win32' ? path.win32 : path.posix;
  return p.join(launcherHome(denv), 'bin', denv.platform === 'win32' ? `${LAUNCHER_NAME}.cmd` : LAUNCHER_NAME);
}

/** True when a config entry's command is already the launcher (any install location). */
export function isLauncherCommand(command: string | undefined): boolean {
  if (!command) return false;
  const base = command.split(/[\\/]/).pop() ?? '';
  return base === LAUNCHER_NAME || base === `${LAUNCHER_NAME}.cmd` || base === `${LAUNCHER_NAME}.exe`;
}
