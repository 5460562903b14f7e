/**
 * Replaces a file's content atomically: a temp file in the same folder (same mode bits),
 * flushed to disk, then renamed over the target. A reader (or a crash) sees the old bytes or
 * the new ones, never a mix. Symlinks are followed, so a linked config (dotfiles) stays linked.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export type WriteStep = 'temp-written' | 'temp-synced' | 'renamed';

export interface AtomicWriteOptions {
  onStep?: (step: WriteStep) => void | Promise<void>;
  platform?: NodeJS.Platform;
}

/** Windows refuses a rename while another process has the file open without sharing; retry briefly. */
const RENAME_RETRIES = 10;

export async function writeFileAtomic(file: string, data: Buffer, options: AtomicWriteOptions = {}): Promise<string> {
  const platform = options.platform ?? process.platform;
  const target = await fs.realpath(file);
  const stat = await fs.stat(target);
  const dir = path.dirname(target);
  await removeStaleTemps(dir, path.basename(target));
  const temp = path.join(dir, `${tempPrefix(path.basename(target))}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', stat.mode & 0o777);
  let renamed = false;
  try {
    try {
      await handle.writeFile(data);
      // open()'s mode is filtered by the umask; set the original bits exactly.
      if (platform !== 'win32') await handle.chmod(stat.mode & 0o7777);
      await options.onStep?.('temp-written');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (platform !== 'win32' && typeof process.getuid === 'function' && process.getuid() === 0) {
      await fs.chown(temp, stat.uid, stat.gid).catch(() => undefined);
    }
    await options.onStep?.('temp-synced');
    await renameWithRetry(temp, target, platform);
    renamed = true;
    await syncDir(dir, platform);
    await options.onStep?.('renamed');
    return target;
  } finally {
    if (!renamed) await fs.unlink(temp).catch(() => undefined);
  }
}

function tempPrefix(base: string): string {
  return `.${base}.mcp-secure-`;
}

/**
 * A run killed between writing its temp file and the rename leaves the temp behind (it holds
 * the rewritten text, which has no secret). Later runs remove those of processes that are gone.
 */
async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const prefix = tempPrefix(base);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    await fs.unlink(path.join(dir, name)).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function renameWithRetry(from: string, to: string, platform: NodeJS.Platform): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient = platform === 'win32' && (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY');
      if (!transient || attempt >= RENAME_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}

/** Makes the rename itself durable (POSIX); folders cannot be fsynced on Windows. */
async function syncDir(dir: string, platform: NodeJS.Platform): Promise<void> {
  if (platform === 'win32') return;
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
