// The engine side of `secret-scan-vs-secretlint` / `secret-scan-vs-rg-patterns`: walks a folder,
// reads every file and runs scanTextForSecrets over it, as `mcp-secure scan` does for each file
// it scans. bench/secrets.mjs bundles this with esbuild (so the timed process does no
// TypeScript work) and runs it as a new Node process: startup is part of the time, as it is
// for secretlint and rg. Prints one JSON line: files, bytes, findings, by detector, threads.
//   node secrets-runner.cjs <folder> [--jobs N]   N scanning threads (default: min(2, cores))
//   node secrets-runner.cjs --patterns            the provider rules' regexes, for the rg baseline
//
// Reading: one reused buffer per thread (open, read, close: no stat, no allocation per file).
// A file whose bytes are all ASCII is decoded as Latin-1 (the same string as UTF-8, decoded
// ~5× faster), any other as UTF-8; the engine's prefilter reads the bytes. With more than one
// thread, N-1 worker threads (this same script) start first, the main thread walks the folder
// meanwhile, and then every thread claims chunks of files from one shared counter until none
// are left.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PATTERN_RULES, scanBytesForSecrets } from '../../src/core/secrets/index.ts';

const SOURCE = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '.json']);
const DOTENV = new Set(['.env']);

/** How mcp-secure reads a file of this name: dotenv, source code (and JSON), or plain text. */
export function kindOf(file) {
  const ext = extname(file).toLowerCase();
  const base = file.slice(file.lastIndexOf('/') + 1);
  if (DOTENV.has(ext) || base === '.env' || base.startsWith('.env.')) return 'dotenv';
  return SOURCE.has(ext) ? 'source' : 'plain';
}

/** Files are claimed in chunks from one shared counter, so a thread that started late takes fewer. */
const CHUNK = 32;

/** Reads and scans the files of `files` it claims from `next` (a shared counter); returns the counts. */
function scanFiles(files, next) {
  let buffer = Buffer.allocUnsafe(1024 * 1024 + 1);
  let count = 0;
  let bytes = 0;
  let findings = 0;
  const byDetector = {};
  for (;;) {
    const from = Atomics.add(next, 0, CHUNK);
    if (from >= files.length) break;
    const to = Math.min(files.length, from + CHUNK);
    for (let f = from; f < to; f++) {
      const path = files[f];
      const fd = openSync(path, 'r');
      let length = 0;
      try {
        for (;;) {
          const n = readSync(fd, buffer, length, buffer.length - length, -1);
          length += n;
          // A regular file's read comes back short only at its end: most files take one read.
          if (n === 0 || length < buffer.length) break;
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, length);
          buffer = bigger;
        }
      } finally {
        closeSync(fd);
      }
      count++;
      bytes += length;
      for (const m of scanBytesForSecrets(buffer.subarray(0, length), kindOf(path))) {
        findings++;
        byDetector[m.detector] = (byDetector[m.detector] ?? 0) + 1;
      }
    }
  }
  return { files: count, bytes, findings, byDetector };
}

function walk(root) {
  const files = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) files.push(path);
    }
  }
  return files;
}

if (!isMainThread) {
  // Started before the walk (so its start-up overlaps it); the file list comes by message.
  parentPort.once('message', (files) => parentPort.postMessage(scanFiles(files, new Int32Array(workerData.next))));
} else if (process.argv[2] === '--patterns') {
  process.stdout.write(JSON.stringify(PATTERN_RULES.map((r) => ({ id: r.id, source: r.regex.source, flags: r.regex.flags }))) + '\n');
} else {
  const root = process.argv[2];
  const jobsAt = process.argv.indexOf('--jobs');
  const jobs = Math.max(1, jobsAt > 0 ? Number(process.argv[jobsAt + 1]) : Math.min(2, availableParallelism()));
  const shared = new SharedArrayBuffer(4);
  const workers = Array.from({ length: jobs - 1 }, () => new Worker(process.argv[1], { workerData: { next: shared }, argv: [] }));
  const results = workers.map(
    (worker) =>
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const files = walk(root);
  for (const worker of workers) worker.postMessage(files);
  const mine = scanFiles(files, new Int32Array(shared));
  Promise.all(results).then((theirs) => report([mine, ...theirs], jobs));
}
function report(results, jobs) {
  const total = { files: 0, bytes: 0, findings: 0, byDetector: {}, threads: jobs };
  for (const r of results) {
    total.files += r.files;
    total.bytes += r.bytes;
    total.findings += r.findings;
    for (const [d, n] of Object.entries(r.byDetector)) total.byDetector[d] = (total.byDetector[d] ?? 0) + n;
  }
  process.stdout.write(JSON.stringify(total) + '\n');
}
