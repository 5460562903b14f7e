/**
 * The sweep (sweep.ts) on more than one thread: helper threads and the calling thread claim
 * chunks of files from one shared counter, each reading and scanning its own files (so the
 * bytes stay in the cache of the core that scans them), and the shares are merged.
 *
 * A helper thread runs an entry script that calls {@link serveSweepWorker} first thing (the
 * CLI's dist/cli.js does): the core cannot name its own bundle. Threads are started early
 * ({@link SweepPool} constructor, before discovery) because a thread takes tens of
 * milliseconds to load the code and warm up; they are used only for long file lists, where
 * that cost pays for itself, and a failed thread only means its work is done here instead.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { sweepResult, sweepShare, type SweepOptions, type SweepResult, type SweepShare } from './sweep';

/** Below this many files the calling thread sweeps alone (a thread's start-up and warm-up cost ~100 ms of CPU). */
export const MIN_FILES_PER_THREAD = 4096;

const WORKER_FLAG = 'mcpSecureSweepWorker';

interface SweepRequest {
  files: readonly string[];
  options: SweepOptions;
  claim: SharedArrayBuffer;
}

/**
 * In a thread started by SweepPool: serves one sweep request and returns true. Anywhere else:
 * returns false at once. An entry script calls this before doing anything else.
 */
export function serveSweepWorker(): boolean {
  if (isMainThread || !parentPort || (workerData as Record<string, unknown> | null)?.[WORKER_FLAG] !== true) return false;
  const port = parentPort;
  port.once('message', (request: SweepRequest) => {
    port.postMessage(sweepShare(request.files, request.options, new Int32Array(request.claim)));
  });
  return true;
}

interface Helper {
  worker: Worker;
  /** Set when the thread failed or ended before it was asked for anything. */
  gone: boolean;
}

export class SweepPool {
  private readonly workers: Helper[];

  /** Starts `threads` helper threads running `entry` (which must call serveSweepWorker). */
  constructor(
    entry: string,
    threads: number,
    private readonly minFilesPerThread = MIN_FILES_PER_THREAD,
  ) {
    this.workers = [];
    for (let i = 0; i < threads; i++) {
      let worker: Worker;
      try {
        worker = new Worker(entry, { workerData: { [WORKER_FLAG]: true } });
      } catch {
        break; // no threads here (or not this entry): the calling thread sweeps alone
      }
      const helper: Helper = { worker, gone: false };
      // Listeners from the start: a thread that fails while booting must not crash the process.
      helper.worker.on('error', () => (helper.gone = true));
      helper.worker.on('exit', () => (helper.gone = true));
      helper.worker.unref();
      this.workers.push(helper);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sweeps `files` on the helper threads and this one; the helpers end with it. */
  async sweep(files: readonly string[], options: SweepOptions): Promise<SweepResult> {
    const wanted = Math.floor(files.length / this.minFilesPerThread) - 1;
    const helpers = this.workers.filter((h) => !h.gone).slice(0, Math.max(0, wanted));
    if (helpers.length === 0) {
      this.close();
      return sweepResult(sweepShare(files, options), options);
    }
    const claim = new SharedArrayBuffer(4);
    const theirs = helpers.map(
      ({ worker }) =>
        new Promise<SweepShare>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`sweep thread exited (${code})`)));
          worker.postMessage({ files, options, claim } satisfies SweepRequest);
        }),
    );
    // This thread claims chunks too, while the helpers run.
    const mine = sweepShare(files, options, new Int32Array(claim));
    try {
      return sweepResult([mine, ...(await Promise.all(theirs))], options);
    } catch {
      // A helper failed part-way: which of its files were done is unknown. Sweep again, here.
      return sweepResult(sweepShare(files, options), options);
    } finally {
      this.close();
    }
  }

  close(): void {
    for (const { worker } of this.workers) {
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
    }
    this.workers.length = 0;
  }
}
