/**
 * Reads a file as text for analysis, with the guards every reader needs: a size limit,
 * binary detection, and a UTF-8 BOM stripped so offsets match what an editor shows.
 * Never throws: the reason a file was not read comes back as a problem note.
 */
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import type { FileProblem } from '../model';

export type ReadTextResult = { text: string } | { problem: FileProblem };

const BINARY_SNIFF_BYTES = 8000;

/**
 * Synchronous on purpose: discovery reads hundreds of small files, and four thread-pool
 * round trips per file (open, fstat, read, close) cost more than the reads themselves.
 * O_NONBLOCK keeps a FIFO or device named like a config from blocking the open; the fstat
 * check then skips it. Files are bounded by `maxBytes`, so a read is always short.
 */
export async function readTextFile(file: string, maxBytes: number): Promise<ReadTextResult> {
  return readTextFileSync(file, maxBytes);
}

export function readTextFileSync(file: string, maxBytes: number): ReadTextResult {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { problem: { file, severity: 'note', message: 'Not a regular file (a FIFO, socket or device); skipped' } };
    if (stat.size > maxBytes) {
      return { problem: { file, severity: 'note', message: `Skipped: ${formatBytes(stat.size)} is over the ${formatBytes(maxBytes)} limit` } };
    }
    const buffer = fs.readFileSync(fd);
    if (looksBinary(buffer)) return { problem: { file, severity: 'note', message: 'Skipped: binary file' } };
    return { text: decodeText(buffer) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: { file, severity: 'note', message: `Could not read file: ${code ?? (error as Error).message}` } };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Git's test for a binary file: a NUL byte in the first 8,000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** A file's bytes as the text an editor shows: UTF-8, without a leading BOM. */
export function decodeText(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // All-ASCII files (most source) decode as Latin-1: the same string, several times faster.
  const text = typeof isAscii === 'function' && isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
