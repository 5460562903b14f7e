/**
 * A reader thread for the sweep (sweep.ts): it opens and reads the files, in order, into a
 * shared ring buffer while the calling thread scans what is already there. Reading 10,000 files
 * costs about as much as scanning them (open/read/close system calls), so on two cores the
 * sweep takes the longer of the two instead of their sum.
 *
 * The thread is plain JavaScript evaluated from a string and uses `fs` only: no bundle of its
 * own, the same code under tsx and in every esbuild bundle. It never decides anything: a file
 * it cannot read is marked, and the scanning side reads that one itself to learn why.
 *
 * Protocol (all positions in bytes, all counters in `control`, an Int32Array on a
 * SharedArrayBuffer):
 *   control[PRODUCED]  records written by the reader (it notifies on this index)
 *   control[CONSUMED]  records the scanner is done with (it notifies on this index)
 *   control[STOP]      set by the scanner to make the reader stop early
 *   records            SLOTS × [offset, length] in `control` after the counters; length is the
 *                      bytes read (limit + 1 means "over the limit") or -1 when reading failed
 * The reader writes a file at the ring's head when `limit + 1` contiguous bytes are free there
 * (or wraps to 0), so the scanner can hand out a plain subarray of each record.
 */
import { Worker } from 'node:worker_threads';

const PRODUCED = 0;
const CONSUMED = 1;
const STOP = 2;
const HEADER = 4;
const SLOTS = 4096;

/** Runs in the worker: `workerData` = { ring, control, limit, slots, header }, then one message: the file list. */
const READER_SOURCE = `
const { openSync, readSync, closeSync, constants } = require('node:fs');
const { workerData, parentPort } = require('node:worker_threads');
const { limit, slots, header } = workerData;
const ring = new Uint8Array(workerData.ring);
const control = new Int32Array(workerData.control);
const need = limit + 1;
const offsets = new Int32Array(slots);
const flags = constants.O_RDONLY | (constants.O_NONBLOCK || 0);
parentPort.once('message', (files) => {
  let head = 0;
  for (let i = 0; i < files.length; i++) {
    if (Atomics.load(control, ${STOP}) !== 0) return;
    // A free slot.
    while (i - Atomics.load(control, ${CONSUMED}) >= slots) Atomics.wait(control, ${CONSUMED}, Atomics.load(control, ${CONSUMED}), 50);
    // limit + 1 contiguous free bytes at the head, or at 0.
    for (;;) {
      const consumed = Atomics.load(control, ${CONSUMED});
      if (consumed === i) { head = head + need <= ring.length ? head : 0; break; }
      const tail = offsets[consumed % slots];
      if (head >= tail) {
        if (head + need <= ring.length) break;
        if (need < tail) { head = 0; break; }
      } else if (head + need < tail) break;
      Atomics.wait(control, ${CONSUMED}, consumed, 50);
      if (Atomics.load(control, ${STOP}) !== 0) return;
    }
    let length = 0;
    let fd;
    try {
      fd = openSync(files[i], flags);
      for (;;) {
        const n = readSync(fd, ring, head + length, need - length, null);
        if (n === 0) break;
        length += n;
        if (length === need) break;
      }
    } catch {
      length = -1;
    } finally {
      if (fd !== undefined) try { closeSync(fd); } catch {}
    }
    const slot = ${HEADER} + (i % slots) * 2;
    offsets[i % slots] = head;
    control[slot] = head;
    control[slot + 1] = length;
    if (length > 0) head += length;
    Atomics.store(control, ${PRODUCED}, i + 1);
    Atomics.notify(control, ${PRODUCED});
  }
});
`;

/** One record: the file's index in the list, and its bytes (a view into the ring), or why not. */
export type SweepRecord = { bytes: Uint8Array } | { failed: true };

export class SweepReader {
  private readonly ring: Uint8Array;
  private readonly control: Int32Array;
  private readonly worker: Worker;
  private total = 0;
  private started = false;

  /**
   * Starts the thread now (it takes a few tens of milliseconds to boot): create it before the
   * work that precedes the sweep. `stallMs`: how long `next` waits for a record before the
   * caller reads the rest itself.
   */
  constructor(
    readonly limit: number,
    ringBytes = Math.max(16 * 1024 * 1024, 4 * (limit + 1)),
    private readonly stallMs = 5000,
  ) {
    // Default: room for several files of the largest size at once, at least 16 MiB.
    if (ringBytes < 2 * (limit + 1)) throw new Error('SweepReader: the ring must hold two files of the largest size');
    const ring = new SharedArrayBuffer(ringBytes);
    const control = new SharedArrayBuffer(4 * (HEADER + 2 * SLOTS));
    this.ring = new Uint8Array(ring);
    this.control = new Int32Array(control);
    this.worker = new Worker(READER_SOURCE, { eval: true, workerData: { ring, control, limit, slots: SLOTS, header: HEADER } });
    // The scanner never waits on the worker's events (it blocks on Atomics), so a failure
    // shows as no progress; `next` then gives up on the thread. Keep the process from dying on it.
    this.worker.on('error', () => undefined);
    this.worker.unref();
  }

  /** Hands the thread the files to read, in the order `next` will return them. */
  start(files: readonly string[]): void {
    if (this.started) throw new Error('SweepReader.start: called twice');
    this.started = true;
    this.total = files.length;
    this.worker.postMessage(files);
  }

  /**
   * The record of file `index` (they come in order; the previous record's bytes are released
   * by this call). `undefined` when the thread made no progress for `stallMs`: the caller then
   * reads the rest itself.
   */
  next(index: number): SweepRecord | undefined {
    const stallMs = this.stallMs;
    if (index >= this.total) throw new Error('SweepReader.next: past the end');
    Atomics.store(this.control, CONSUMED, index);
    Atomics.notify(this.control, CONSUMED);
    let waited = 0;
    while (Atomics.load(this.control, PRODUCED) <= index) {
      if (waited >= stallMs) return undefined;
      Atomics.wait(this.control, PRODUCED, index, 50);
      waited += 50;
    }
    const slot = HEADER + (index % SLOTS) * 2;
    const offset = this.control[slot]!;
    const length = this.control[slot + 1]!;
    if (length < 0) return { failed: true };
    return { bytes: this.ring.subarray(offset, offset + length) };
  }

  /** Stops the thread (also when the sweep ended early). */
  close(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, CONSUMED);
    void this.worker.terminate();
  }
}
