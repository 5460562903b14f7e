/**
 * `scan --all-files`: every other file of the walk — docs, scripts, notebooks, build output the
 * user keeps — read for plaintext secrets, as a general secret scanner would. Configs, `.env`
 * files and server sources are scanned by their own readers (scan.ts) and are not read again.
 *
 * Built for tens of thousands of files: one reused buffer (open, read, close — no stat, no
 * allocation per file); the byte-level engine (scanBytesForSecrets) decodes a file only when it
 * can hold a finding, and the finding pipeline (findSecretsInText: messages, redaction,
 * fingerprints) runs only for the few files that do. Synchronous: the CLI's use; the editor
 * does not sweep. (A reader thread that read ahead into a shared ring while this thread
 * scanned was tried and measured: no faster on a 2-core machine, where the two threads slow
 * each other down as much as the overlap saves, so it was removed.) Skips are counted, not listed one
 * note per file: a sweep of a dependency tree meets thousands of binaries.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import type { FileProblem } from '../model';
import { scanBytesForSecretsDetailed, type TextKind } from '../secrets';
import { decodeText, formatBytes, looksBinary } from '../util/readText';
import { isEnvFile } from '../discovery/envFiles';
import { findSecretsInText, type SecretHit } from './secretFindings';

export interface SweepOptions {
  /** The scan's root: findings' fingerprints are relative to it. */
  root: string;
  /** Files larger than this are skipped (counted in a note). */
  maxFileBytes: number;
  /** Per-file time budget of the engine (ms). */
  timeBudgetMs?: number;
}

export interface SweepResult {
  /** Per file with findings: its text (for suppression comments) and its hits. */
  files: Array<{ file: string; text: string; hits: SecretHit[] }>;
  problems: FileProblem[];
  /** Files read and scanned, and their bytes. */
  scanned: number;
  bytes: number;
}

/** Source code and JSON: string literals and assignments. Everything else is read as plain text. */
const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '.json', '.jsonc', '.json5',
  '.py', '.go', '.rb', '.java', '.kt', '.cs', '.php', '.rs', '.swift', '.scala', '.c', '.cc', '.cpp', '.h', '.hpp',
]);

/** How the engine reads a file of this name (dotenv files as discovery names them). */
export function sweepKindOf(file: string): TextKind {
  const base = path.basename(file);
  if (isEnvFile(base)) return 'dotenv';
  return SOURCE_EXTENSIONS.has(path.extname(base).toLowerCase()) ? 'source' : 'plain';
}

export function sweepFiles(files: readonly string[], options: SweepOptions): SweepResult {
  const result: SweepResult = { files: [], problems: [], scanned: 0, bytes: 0 };
  const limit = options.maxFileBytes;
  let binary = 0;
  let large = 0;
  const read = ownReader(limit);
  for (const file of files) {
    const got = read(file);
    if ('problem' in got) {
      result.problems.push(got.problem);
      continue;
    }
    const bytes = got.bytes;
    if (bytes.length > limit) {
      large++;
      continue;
    }
    if (looksBinary(bytes)) {
      binary++;
      continue;
    }
    result.scanned++;
    result.bytes += bytes.length;
    const kind = sweepKindOf(file);
    const scanned = scanBytesForSecretsDetailed(bytes, kind, { timeBudgetMs: options.timeBudgetMs });
    if (scanned.truncated) {
      result.problems.push({ file, severity: 'note', message: `Secret scan stopped after its time budget (${options.timeBudgetMs ?? 5000} ms): the rest of the file was not read` });
    }
    if (scanned.matches.length === 0) continue;
    // The few files with findings go through the reporting pipeline, from their text.
    const text = decodeText(bytes);
    const hits = findSecretsInText(file, text, kind, { root: options.root });
    if (hits.length > 0) result.files.push({ file, text, hits });
  }
  if (large > 0) result.problems.push({ file: options.root, severity: 'note', message: `${large} file${large === 1 ? '' : 's'} over the ${formatBytes(limit)} limit not read for secrets (--max-file-size)` });
  if (binary > 0) result.problems.push({ file: options.root, severity: 'note', message: `${binary} binary file${binary === 1 ? '' : 's'} not read for secrets` });
  return result;
}

/**
 * Reads a file on this thread into one reused buffer (grown to the limit at most), up to one
 * byte over the limit: that byte tells a file that is too large without a stat call.
 */
function ownReader(limit: number): (file: string) => { bytes: Uint8Array } | { problem: FileProblem } {
  let buffer = Buffer.allocUnsafe(Math.min(limit + 1, 1024 * 1024));
  return (file) => {
    let length = 0;
    let fd: number | undefined;
    try {
      // O_NONBLOCK: a file replaced by a FIFO since the walk does not block the open.
      fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
      for (;;) {
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
        if (length < buffer.length) continue;
        if (buffer.length > limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { problem: { file, severity: 'note', message: `Could not read file: ${code ?? (error as Error).message}` } };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return { bytes: buffer.subarray(0, length) };
  };
}
