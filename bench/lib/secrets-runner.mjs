// The engine side of `secret-scan-vs-secretlint` / `secret-scan-vs-rg-patterns`: walks a folder,
// reads every file and runs the secret engine over it (scanBytesForSecrets: the same findings
// as scanTextForSecrets, which `mcp-secure scan` runs on each file it scans). bench/secrets.mjs
// bundles this with esbuild, and bench/lib/secrets-scan.mjs next to it as secrets-scan.cjs (so
// the timed process does no TypeScript work), and runs it as a new Node process: startup is
// part of the time, as it is for secretlint and rg. Prints one JSON line: files, bytes,
// findings, by detector, threads.
//   node secrets-runner.cjs <folder> [--jobs N] [--timings]   N scanning threads (default: min(2, cores));
//                                                             --timings: where the time went (stderr)
//   node secrets-runner.cjs --patterns                        the provider rules' regexes, for the rg baseline
//
// Reading: one reused buffer per thread (open, one read, close: no stat, no allocation per
// file); the engine decodes a file only when its byte prefilter finds something. With more
// than one thread, N-1 worker threads (secrets-scan.cjs) start first, before this thread loads
// the engine; this thread walks the folder meanwhile, and then every thread claims chunks of
// files from one shared counter until none are left.
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

const codeStart = performance.now();
const scanModule = join(dirname(process.argv[1]), 'secrets-scan.cjs');

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

// Not bundled into this file: loaded at run time, after the workers have been started.
const load = () => require(scanModule);

if (process.argv[2] === '--patterns') {
  const { PATTERN_RULES } = load();
  process.stdout.write(JSON.stringify(PATTERN_RULES.map((r) => ({ id: r.id, source: r.regex.source, flags: r.regex.flags }))) + '\n');
} else {
  const root = process.argv[2];
  const jobsAt = process.argv.indexOf('--jobs');
  const jobs = Math.max(1, jobsAt > 0 ? Number(process.argv[jobsAt + 1]) : Math.min(2, availableParallelism()));
  const shared = new SharedArrayBuffer(4);
  const workers = Array.from({ length: jobs - 1 }, () => new Worker(scanModule, { workerData: { secretsScan: true, next: shared }, argv: [] }));
  const results = workers.map(
    (worker) =>
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const files = walk(root);
  const walked = performance.timeOrigin + performance.now();
  for (const worker of workers) worker.postMessage(files);
  const { scanFiles } = load();
  const mine = scanFiles(files, new Int32Array(shared));
  Promise.all(results).then((theirs) => {
    report([mine, ...theirs], jobs);
    if (process.argv.includes('--timings')) {
      const at = (t) => Math.round(t - performance.timeOrigin);
      const threads = [mine, ...theirs].map((r, i) => `${i === 0 ? 'main' : `worker ${i}`}: scanned ${r.files} files from ${at(r.started)} to ${at(r.ended)}`);
      process.stderr.write(`runner code from ${Math.round(codeStart)} ms, walk done ${at(walked)}; ${threads.join('; ')}\n`);
    }
  });
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
