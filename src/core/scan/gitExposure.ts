/**
 * Git exposure of a secret: is the file tracked, and does the value appear in the history?
 * Either way, moving the secret to the keychain does not un-leak it: it must be rotated.
 *
 * The history search is bounded (the newest commits, a time limit) and never puts a secret on
 * a command line: the values go to `git grep -F -f -` through its standard input.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface GitExposureOptions {
  /** How many of the newest commits (all refs) to search. */
  maxCommits?: number;
  timeoutMs?: number;
}

export interface GitExposure {
  /** Absolute paths of tracked files. */
  tracked: Set<string>;
  /** The secrets (as given) found in the searched commits. */
  inHistory: Set<string>;
  /** Why the search was incomplete, if it was. */
  note?: string;
}

interface RunResult {
  code: number | null;
  stdout: string;
  timedOut: boolean;
}

function runGit(cwd: string, args: string[], input: string | undefined, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    } catch {
      resolve({ code: null, stdout: '', timedOut: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024 * 1024) chunks.push(chunk);
    });
    child.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks).toString('utf8'), timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Returns undefined when `dir` is not inside a git work tree (or git is missing). */
export async function gitExposure(dir: string, secrets: readonly string[], options: GitExposureOptions = {}): Promise<GitExposure | undefined> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const top = await runGit(dir, ['rev-parse', '--show-toplevel'], undefined, timeoutMs);
  if (top.code !== 0) return undefined;
  const topLevel = top.stdout.trim();
  const listed = await runGit(topLevel, ['ls-files', '-z'], undefined, timeoutMs);
  const tracked = new Set(listed.stdout.split('\0').filter(Boolean).map((rel) => path.join(topLevel, rel)));
  const inHistory = new Set<string>();
  // Values with a line break cannot be searched line by line (PEM keys); skip them here.
  const searchable = [...new Set(secrets.filter((s) => s.length >= 8 && !/[\r\n]/.test(s)))];
  if (searchable.length === 0) return { tracked, inHistory };
  const revs = await runGit(topLevel, ['rev-list', '--all', `--max-count=${options.maxCommits ?? 200}`], undefined, timeoutMs);
  const commits = revs.stdout.split('\n').filter((l) => /^[0-9a-f]{7,64}$/.test(l));
  if (commits.length === 0) return { tracked, inHistory };
  const grep = await runGit(topLevel, ['grep', '-o', '-I', '-F', '-f', '-', ...commits], searchable.join('\n') + '\n', timeoutMs);
  for (const line of grep.stdout.split('\n')) {
    // <commit>:<path>:<match>; the path may hold colons, the commit and match cannot.
    const match = line.slice(line.lastIndexOf(':') + 1);
    if (match) inHistory.add(match);
  }
  const note = grep.timedOut ? `git history search stopped after ${timeoutMs} ms` : undefined;
  return { tracked, inHistory, ...(note ? { note } : {}) };
}
