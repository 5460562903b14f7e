/**
 * The workspace walk: every file discovery may need to read, fast, without following the
 * user into dependency trees, build output or symlink loops.
 *
 * - Hard skips (never entered): VCS metadata, dependency folders, virtualenvs, caches and
 *   build output. These hold thousands of files and never a project of the user's own.
 * - `.gitignore` files are honoured at every level (nested files apply below their folder).
 * - Gitignored files can still be kept by the caller's `keepIgnored` predicate: a client config
 *   such as `.vscode/mcp.json` is routinely gitignored, and a plaintext key in it is still a
 *   plaintext key on disk.
 * - Extra gitignore-style patterns (`exclude`: CLI `--exclude`, the discovery.exclude setting,
 *   `.mcp-secure.json` `ignore`) are the user saying "not this": they are hard skips that
 *   `keepIgnored` cannot override.
 * - Symlinked folders are followed once by real path, so a loop ends with a note instead of
 *   a hang.
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { FileProblem } from '../model';

/** Folder names that are never entered. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', 'node_modules', 'bower_components', 'jspm_packages',
  '.venv', 'venv', '.virtualenvs', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', 'site-packages', '.eggs', 'dist', 'build', 'out', 'target', '.next', '.nuxt',
  '.svelte-kit', '.turbo', '.parcel-cache', '.cache', 'coverage', '.nyc_output', '.gradle',
  '.terraform', '.vscode-test', '.vscode-server', 'vendor',
]);

export interface WalkOptions {
  /** Extra gitignore-style patterns, relative to the root: skipped outright (`keepIgnored` does not apply). */
  exclude?: readonly string[];
  /**
   * Called for gitignored entries (not hard-skipped ones). Return true to keep a file, or to
   * enter a folder in "keep-only" mode where only files this predicate accepts are collected.
   */
  keepIgnored?: (relPosixPath: string, isDirectory: boolean) => boolean;
  /**
   * Files the caller means to read (client configs, `.env`): when such a name is a FIFO, socket
   * or device instead of a regular file, a note says it was skipped (reading a FIFO would hang).
   */
  wanted?: (relPosixPath: string) => boolean;
  /** Stop after this many files (a note says so). Default 200,000. */
  maxFiles?: number;
  /** Parallel directory reads. Default 32. */
  concurrency?: number;
}

export interface WalkedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the root with `/` separators. */
  rel: string;
  /** True when .gitignore covers it and `keepIgnored` kept it. */
  gitignored: boolean;
}

export interface WalkResult {
  files: WalkedFile[];
  problems: FileProblem[];
}

interface IgnoreLayer {
  /** Relative posix path of the folder holding the .gitignore ('' for the root). */
  base: string;
  matcher: Ignore;
}

interface DirTask {
  abs: string;
  /** The folder's real path, to walk each folder once however many links lead to it. */
  real: string;
  rel: string;
  layers: IgnoreLayer[];
  /** Inside a gitignored folder that `keepIgnored` let us enter. */
  keepOnly: boolean;
}

/** Git semantics: the deepest .gitignore with a matching rule decides (so `!x` re-includes). */
function isIgnored(layers: readonly IgnoreLayer[], rel: string, isDirectory: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const local = layer.base === '' ? rel : rel.slice(layer.base.length + 1);
    const verdict = layer.matcher.test(isDirectory ? `${local}/` : local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

async function readGitignore(dir: string): Promise<Ignore | undefined> {
  try {
    const text = await fs.readFile(path.join(dir, '.gitignore'), 'utf8');
    return ignore().add(text);
  } catch {
    return undefined; // unreadable .gitignore: walk as if it were absent
  }
}

export async function walkTree(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxFiles = options.maxFiles ?? 200_000;
  const concurrency = options.concurrency ?? 32;
  const files: WalkedFile[] = [];
  const problems: FileProblem[] = [];
  const visitedDirs = new Set<string>();
  const rootReal = await fs.realpath(root);
  visitedDirs.add(rootReal);

  const baseLayers: IgnoreLayer[] = [];
  const excluded = options.exclude && options.exclude.length > 0 ? ignore().add([...options.exclude]) : undefined;

  const queue: DirTask[] = [{ abs: root, real: rootReal, rel: '', layers: baseLayers, keepOnly: false }];
  let truncated = false;

  async function visit(task: DirTask): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(task.abs, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: task.abs, severity: 'note', message: `Could not read folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return;
    }
    let layers = task.layers;
    if (!task.keepOnly && entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      const matcher = await readGitignore(task.abs);
      if (matcher) layers = [...layers, { base: task.rel, matcher }];
    }
    // A folder holding pyvenv.cfg is a virtualenv, whatever its name.
    if (task.rel !== '' && entries.some((e) => e.name === 'pyvenv.cfg')) return;

    // Real folders before links, so a folder reached both ways is reported at its real path.
    entries.sort((a, b) => Number(a.isSymbolicLink()) - Number(b.isSymbolicLink()));
    for (const entry of entries) {
      const rel = task.rel === '' ? entry.name : `${task.rel}/${entry.name}`;
      const abs = path.join(task.abs, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = await fs.stat(abs);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          problems.push({ file: abs, severity: 'note', message: 'Broken symbolic link skipped' });
          continue;
        }
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name) || excluded?.ignores(`${rel}/`)) continue;
        let keepOnly = task.keepOnly;
        if (isIgnored(layers, rel, true)) {
          if (!options.keepIgnored?.(rel, true)) continue;
          keepOnly = true;
        }
        let real = path.join(task.real, entry.name);
        if (entry.isSymbolicLink()) {
          try {
            real = await fs.realpath(abs);
          } catch {
            continue;
          }
          if (task.real === real || task.real.startsWith(real + path.sep)) {
            problems.push({ file: abs, severity: 'note', message: `Symbolic link loop skipped (points to its own ancestor ${real})` });
            continue;
          }
        }
        if (visitedDirs.has(real)) continue; // already walked through another link
        visitedDirs.add(real);
        queue.push({ abs, real, rel, layers, keepOnly });
      } else if (isFile) {
        if (files.length >= maxFiles) {
          truncated = true;
          return;
        }
        if (excluded?.ignores(rel)) continue;
        const ignored = task.keepOnly || isIgnored(layers, rel, false);
        if (ignored && !options.keepIgnored?.(rel, false)) continue;
        files.push({ path: abs, rel, gitignored: ignored });
      } else if (options.wanted?.(rel) && !excluded?.ignores(rel)) {
        problems.push({ file: abs, severity: 'note', message: 'Not a regular file (a FIFO, socket or device); skipped' });
      }
    }
  }

  // Breadth-first with a bounded number of directory reads in flight.
  const running = new Set<Promise<void>>();
  while (queue.length > 0 || running.size > 0) {
    while (queue.length > 0 && running.size < concurrency && !truncated) {
      const task = queue.shift()!;
      const job: Promise<void> = visit(task).finally(() => running.delete(job));
      running.add(job);
    }
    if (running.size > 0) await Promise.race(running);
    if (truncated) queue.length = 0;
  }
  if (truncated) {
    problems.push({ file: root, severity: 'note', message: `Stopped after ${maxFiles} files; narrow the folder or add exclude patterns.` });
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, problems };
}
