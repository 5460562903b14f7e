/**
 * Reads a file as text for analysis, with the guards every reader needs: a size limit,
 * binary detection, and a UTF-8 BOM stripped so offsets match what an editor shows.
 * Never throws: the reason a file was not read comes back as a problem note.
 */
import { promises as fs } from 'node:fs';
import type { FileProblem } from '../model';

export type ReadTextResult = { text: string } | { problem: FileProblem };

const BINARY_SNIFF_BYTES = 8000;

export async function readTextFile(file: string, maxBytes: number): Promise<ReadTextResult> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) return { problem: { file, severity: 'note', message: 'Not a regular file; skipped' } };
    if (stat.size > maxBytes) {
      return { problem: { file, severity: 'note', message: `Skipped: ${formatBytes(stat.size)} is over the ${formatBytes(maxBytes)} limit` } };
    }
    const buffer = await handle.readFile();
    const sniff = buffer.subarray(0, BINARY_SNIFF_BYTES);
    if (sniff.includes(0)) return { problem: { file, severity: 'note', message: 'Skipped: binary file' } };
    let text = buffer.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: { file, severity: 'note', message: `Could not read file: ${code ?? (error as Error).message}` } };
  } finally {
    await handle?.close();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
