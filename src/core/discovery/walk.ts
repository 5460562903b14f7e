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
 * - `noIgnore` (CLI `--no-ignore`) turns the first two off: every folder but VCS metadata is
 *   entered and `.gitignore` files are not read; `exclude` still applies.
 */
import * as fs from 'node:fs';
import type { Dirent } from 'node:fs';
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

/** Never entered, even with `noIgnore`: version-control metadata is not the user's files. */
const VCS_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn']);

export interface WalkOptions {
  /** Enter every folder but VCS metadata and do not read `.gitignore` files. */
  noIgnore?: boolean;
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
  /** How long the walk may hold the thread before it yields to the event loop (ms). Default 8. */
  sliceMs?: number;
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

/**
 * A folder's path ready for a name to be appended. Folder paths here are already normal:
 * joining by hand spares path.join's normalisation of every entry.
 */
function folderPrefix(folder: string): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}

function readGitignore(dir: string): Ignore | undefined {
  try {
    const text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
    return ignore().add(text);
  } catch {
    return undefined; // unreadable .gitignore: walk as if it were absent
  }
}

export async function walkTree(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxFiles = options.maxFiles ?? 200_000;
  const sliceMs = options.sliceMs ?? 8;
  const files: WalkedFile[] = [];
  const problems: FileProblem[] = [];
  const visitedDirs = new Set<string>();
  const rootReal = await fs.promises.realpath(root);
  visitedDirs.add(rootReal);

  const baseLayers: IgnoreLayer[] = [];
  const excluded = options.exclude && options.exclude.length > 0 ? ignore().add([...options.exclude]) : undefined;

  const queue: DirTask[] = [{ abs: root, real: rootReal, rel: '', layers: baseLayers, keepOnly: false }];
  let truncated = false;

  // Synchronous reads, in slices: a directory read from the page cache costs less than the
  // thread-pool round trip of its async form (the same reason as readText.ts), and the walk
  // yields to the event loop every `sliceMs` so an editor stays responsive during a long walk.
  function visit(task: DirTask): void {
    let entries: Dirent[];
    try {
      entries = fs.readdirSync(task.abs, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: task.abs, severity: 'note', message: `Could not read folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return;
    }
    let layers = task.layers;
    if (!options.noIgnore && !task.keepOnly && entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      const matcher = readGitignore(task.abs);
      if (matcher) layers = [...layers, { base: task.rel, matcher }];
    }
    // A folder holding pyvenv.cfg is a virtualenv, whatever its name.
    if (!options.noIgnore && task.rel !== '' && entries.some((e) => e.name === 'pyvenv.cfg')) return;

    // Real folders before links, so a folder reached both ways is reported at its real path.
    if (entries.some((e) => e.isSymbolicLink())) entries.sort((a, b) => Number(a.isSymbolicLink()) - Number(b.isSymbolicLink()));
    const prefix = folderPrefix(task.abs);
    const realPrefix = folderPrefix(task.real);
    for (const entry of entries) {
      const rel = task.rel === '' ? entry.name : `${task.rel}/${entry.name}`;
      const abs = prefix + entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = fs.statSync(abs);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          problems.push({ file: abs, severity: 'note', message: 'Broken symbolic link skipped' });
          continue;
        }
      }
      if (isDir) {
        if ((options.noIgnore ? VCS_DIRS : SKIPPED_DIRS).has(entry.name) || excluded?.ignores(`${rel}/`)) continue;
        let keepOnly = task.keepOnly;
        if (isIgnored(layers, rel, true)) {
          if (!options.keepIgnored?.(rel, true)) continue;
          keepOnly = true;
        }
        let real = realPrefix + entry.name;
        if (entry.isSymbolicLink()) {
          try {
            real = fs.realpathSync(abs);
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

  // Breadth-first (an index into the queue: shift() would copy it every time).
  let sliceStart = performance.now();
  for (let next = 0; next < queue.length && !truncated; next++) {
    visit(queue[next]!);
    if (next >= 4096) {
      queue.splice(0, next + 1); // drop the folders done
      next = -1;
    }
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  if (truncated) {
    problems.push({ file: root, severity: 'note', message: `Stopped after ${maxFiles} files; narrow the folder or add exclude patterns.` });
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, problems };
}
