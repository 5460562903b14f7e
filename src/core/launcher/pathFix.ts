/**
 * Finding the server's command the way a terminal would, for clients that start servers with
 * a minimal PATH (GUI apps on macOS and Linux: `spawn npx ENOENT` with Homebrew, nvm, Volta,
 * mise...). Pure: every file-system question goes through `PathProbe`, so tests can describe
 * any machine.
 *
 * The PATH is only changed when the command is not found on the PATH the client gave us; then
 * the common tool folders that exist are prepended, and the child gets that PATH too (an `npx`
 * found this way needs `node` next to it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type LauncherPlatform = 'linux' | 'darwin' | 'win32';

export interface PathProbe {
  /** An executable regular file (on Windows: any regular file). */
  isExecutable(file: string): boolean;
  isDirectory(dir: string): boolean;
  /** Names in a folder; [] when it cannot be read. */
  list(dir: string): string[];
}

export interface PathContext {
  platform: LauncherPlatform;
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  probe: PathProbe;
  /** The runtime running the launcher: its folder is a last resort for `node`/`npx`. */
  execPath?: string;
}

function pathApi(platform: LauncherPlatform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** The env key holding the PATH (`Path` on Windows is common), or 'PATH'. */
export function pathKey(env: Readonly<Record<string, string | undefined>>, platform: LauncherPlatform): string {
  if (platform !== 'win32') return 'PATH';
  return Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'Path';
}

function envValue(env: Readonly<Record<string, string | undefined>>, name: string, platform: LauncherPlatform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

export function splitPath(value: string | undefined, platform: LauncherPlatform): string[] {
  return (value ?? '').split(platform === 'win32' ? ';' : ':').filter((d) => d.length > 0);
}

/** True when the command names a file (has a separator) rather than something to look up. */
export function hasPathSeparator(command: string, platform: LauncherPlatform): boolean {
  return platform === 'win32' ? /[\\/]/.test(command) : command.includes('/');
}

/** Windows: the extensions to try (PATHEXT), lowercase; POSIX: just the name. */
function candidatesFor(command: string, ctx: Pick<PathContext, 'platform' | 'env'>): string[] {
  if (ctx.platform !== 'win32') return [command];
  const exts = (envValue(ctx.env, 'PATHEXT', 'win32') ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter(Boolean)
    .map((e) => e.toLowerCase());
  const hasExt = exts.includes(path.win32.extname(command).toLowerCase());
  return hasExt ? [command] : exts.map((e) => command + e);
}

/** The first file the command resolves to on `dirs`, or undefined. */
export function findOnPath(command: string, dirs: readonly string[], ctx: Pick<PathContext, 'platform' | 'env' | 'probe'>): string | undefined {
  const p = pathApi(ctx.platform);
  if (hasPathSeparator(command, ctx.platform)) {
    for (const file of candidatesFor(command, ctx)) if (ctx.probe.isExecutable(file)) return file;
    return undefined;
  }
  for (const dir of dirs) {
    for (const name of candidatesFor(command, ctx)) {
      const file = p.join(dir, name);
      if (ctx.probe.isExecutable(file)) return file;
    }
  }
  return undefined;
}

/** `v20.11.1` → [20, 11, 1]; non-versions sort first. */
function versionKey(name: string): number[] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(name);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [-1, -1, -1];
}

function newest(names: string[]): string | undefined {
  return [...names].sort((a, b) => {
    const ka = versionKey(a);
    const kb = versionKey(b);
    for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
    return a.localeCompare(b);
  })[0];
}

/**
 * The folders GUI clients usually miss, in the order they are prepended (first wins). Only
 * folders that exist are returned.
 */
export function commonToolDirs(ctx: PathContext): string[] {
  const p = pathApi(ctx.platform);
  const { home, env, platform } = ctx;
  const dirs: string[] = [];
  const add = (dir: string | undefined) => {
    if (dir && !dirs.includes(dir)) dirs.push(dir);
  };
  if (platform === 'win32') {
    add(envValue(env, 'NVM_SYMLINK', platform));
    const appData = envValue(env, 'APPDATA', platform);
    if (appData) add(p.join(appData, 'npm'));
    const local = envValue(env, 'LOCALAPPDATA', platform);
    if (local) add(p.join(local, 'Volta', 'bin'));
    for (const pf of [envValue(env, 'ProgramFiles', platform), envValue(env, 'ProgramFiles(x86)', platform)]) if (pf) add(p.join(pf, 'nodejs'));
    add(p.join(home, '.volta', 'bin'));
    add(p.join(home, 'scoop', 'shims'));
    add(p.join(home, '.cargo', 'bin'));
    add(p.join(home, '.local', 'bin'));
    add(p.join(home, '.bun', 'bin'));
    if (local) add(p.join(local, 'mise', 'shims'));
  } else {
    // Version managers first: they decide which node/python the user means.
    add(envValue(env, 'NVM_BIN', platform));
    const nvmDir = envValue(env, 'NVM_DIR', platform) || p.join(home, '.nvm');
    const nvmVersions = p.join(nvmDir, 'versions', 'node');
    if (ctx.probe.isDirectory(nvmVersions)) {
      const version = newest(ctx.probe.list(nvmVersions).filter((n) => /^v?\d+\.\d+\.\d+/.test(n)));
      if (version) add(p.join(nvmVersions, version, 'bin'));
    }
    const fnm = envValue(env, 'FNM_DIR', platform) || p.join(home, '.local', 'share', 'fnm');
    add(p.join(fnm, 'aliases', 'default', 'bin'));
    add(p.join(home, '.volta', 'bin'));
    const xdgData = envValue(env, 'XDG_DATA_HOME', platform) || p.join(home, '.local', 'share');
    add(p.join(xdgData, 'mise', 'shims'));
    add(p.join(home, '.asdf', 'shims'));
    add(p.join(home, '.local', 'bin'));
    add(p.join(home, '.bun', 'bin'));
    add(p.join(home, '.cargo', 'bin'));
    add(p.join(home, '.deno', 'bin'));
    add(p.join(home, 'go', 'bin'));
    add(p.join(home, '.pyenv', 'shims'));
    add('/opt/homebrew/bin');
    add('/opt/homebrew/sbin');
    add('/usr/local/bin');
    add('/usr/bin');
    add('/bin');
    add('/usr/sbin');
    add('/sbin');
  }
  // Last resort: the folder of the Node running the launcher (npx lives next to node).
  if (ctx.execPath && /^node(\.exe)?$/i.test(p.basename(ctx.execPath))) add(p.dirname(ctx.execPath));
  return dirs.filter((d) => ctx.probe.isDirectory(d));
}

export interface PathFix {
  /** The env to give the child (unchanged object when nothing was needed). */
  env: Record<string, string | undefined>;
  /** Folders prepended to PATH (empty when none were needed). */
  added: string[];
  /** The file the command resolves to, when found. */
  resolved: string | undefined;
  /** The folders that were searched, for the "not found" message. */
  searched: string[];
}

/**
 * Finds `command`; when the client's PATH does not have it, prepends the common tool folders
 * that exist (and are not on PATH yet) and looks again.
 */
export function fixPath(command: string, env: Record<string, string | undefined>, ctx: Omit<PathContext, 'env'>): PathFix {
  const full: PathContext = { ...ctx, env };
  const key = pathKey(env, ctx.platform);
  const current = splitPath(env[key], ctx.platform);
  const direct = findOnPath(command, current, full);
  if (direct || hasPathSeparator(command, ctx.platform)) return { env, added: [], resolved: direct, searched: current };
  const extra = commonToolDirs(full).filter((d) => !current.includes(d));
  const searched = [...current, ...extra];
  const resolved = findOnPath(command, extra, full);
  if (!resolved) return { env, added: [], resolved: undefined, searched };
  const sep = ctx.platform === 'win32' ? ';' : ':';
  return { env: { ...env, [key]: [...extra, ...current].join(sep) }, added: extra, resolved, searched };
}

/** The real file system. */
export function fsProbe(platform: LauncherPlatform = process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux'): PathProbe {
  return {
    isExecutable(file) {
      try {
        if (!fs.statSync(file).isFile()) return false;
        if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    isDirectory(dir) {
      try {
        return fs.statSync(dir).isDirectory();
      } catch {
        return false;
      }
    },
    list(dir) {
      try {
        return fs.readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}
