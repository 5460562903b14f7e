/**
 * Child processes of the harness: each in its own process group (so the whole tree can be
 * killed), with bounded stderr capture, and a registry that kills whatever is left on exit or
 * SIGINT. Also the stdio MCP transport over such a child, tolerant of garbage on stdout and
 * bounded in what it buffers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { freePort } from '../util/freePort';

export { freePort };
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

const MAX_LINE = 8 * 1024 * 1024;
const STDERR_KEEP = 16 * 1024;

export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export class ManagedProcess {
  readonly child: ChildProcess;
  private stderrTail = '';
  exited = false;
  /** stop() was called: an exit now is ours, not the server's. */
  stopping = false;
  /** The process exited before anyone called stop(): the server's own doing (crash, refusal). */
  exitedOnItsOwn = false;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  readonly exitedPromise: Promise<void>;
  /** Lines of stdout that were not JSON-RPC. */
  garbageLines = 0;

  constructor(spec: SpawnSpec, onStderr?: (text: string) => void) {
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      shell: false,
    });
    registry.add(this);
    this.exitedPromise = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exited) return;
        this.exited = true;
        this.exitedOnItsOwn = !this.stopping;
        this.exitCode = code;
        this.exitSignal = signal;
        registry.delete(this);
        resolve();
      };
      this.child.once('exit', done);
      this.child.once('error', (err) => {
        this.stderrTail += `\nspawn error: ${err.message}`;
        done(null, null);
      });
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_KEEP);
      onStderr?.(chunk);
    });
    this.child.stdin?.on('error', () => undefined);
  }

  get stderr(): string {
    return this.stderrTail;
  }

  describeExit(): string {
    return this.exitSignal ? `killed by ${this.exitSignal}` : `exit code ${this.exitCode ?? '?'}`;
  }

  killGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return;
    try {
      if (process.platform === 'win32') this.child.kill(signal);
      else process.kill(-pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch { /* gone */ }
    }
  }

  /** SIGTERM to the group, SIGKILL after graceMs. */
  async stop(graceMs = 1500): Promise<void> {
    this.stopping = true;
    if (this.exited) {
      this.killGroup('SIGKILL'); // grandchildren may still be around
      return;
    }
    this.killGroup('SIGTERM');
    const timer = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([this.exitedPromise, timer]);
    this.killGroup('SIGKILL');
    await Promise.race([this.exitedPromise, new Promise<void>((r) => setTimeout(r, 500).unref())]);
  }
}

const registry = new Set<ManagedProcess>();

export function killAllSync(): void {
  for (const p of registry) p.killGroup('SIGKILL');
}

let hooks = 0;
const onExit = () => killAllSync();
const onSigint = () => {
  killAllSync();
  removeHooks(true);
  process.kill(process.pid, 'SIGINT');
};

/**
 * While a run is active: kill every child on process exit and (signals) on SIGINT/SIGTERM,
 * then re-raise the signal. Hosts that own their signals (an editor) pass signals = false.
 */
export function installHooks(signals = true): () => void {
  if (hooks++ === 0) process.on('exit', onExit);
  if (signals && !process.listeners('SIGINT').includes(onSigint)) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    if (hooks > 0 && --hooks === 0) removeHooks(false);
  };
}
function removeHooks(force: boolean): void {
  if (force) hooks = 0;
  process.off('exit', onExit);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
}

/** Resolves when something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, proc: ManagedProcess, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('aborted');
    if (proc.exited) throw new Error(`server exited before listening (${proc.describeExit()})`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
      sock.setTimeout(1000, () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** MCP stdio transport over a ManagedProcess: newline-delimited JSON-RPC, garbage lines skipped. */
export class ProcessStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private buf = '';
  private closed = false;

  constructor(readonly proc: ManagedProcess, private readonly onGarbage?: (line: string) => void) {}

  async start(): Promise<void> {
    const out = this.proc.child.stdout!;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => this.onData(chunk));
    void this.proc.exitedPromise.then(() => this.finish());
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    if (this.buf.length > MAX_LINE && !this.buf.includes('\n')) {
      this.proc.garbageLines++;
      this.onGarbage?.(`(dropped ${this.buf.length} bytes without a newline)`);
      this.buf = '';
      return;
    }
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) !== -1) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      if (!line.trim()) continue;
      let msg: JSONRPCMessage | undefined;
      try {
        const parsed = JSONRPCMessageSchema.safeParse(JSON.parse(line));
        if (parsed.success) msg = parsed.data;
      } catch { /* not JSON */ }
      if (msg) this.onmessage?.(msg);
      else {
        this.proc.garbageLines++;
        this.onGarbage?.(line.slice(0, 200));
      }
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.proc.child.stdin;
    if (!stdin || this.proc.exited || stdin.destroyed) throw new Error(`server process is not running (${this.proc.describeExit()})`);
    await new Promise<void>((resolve, reject) => {
      stdin.write(JSON.stringify(message) + '\n', (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {
    try {
      this.proc.child.stdin?.end();
    } catch { /* ignore */ }
    await this.proc.stop();
    this.finish();
  }
}
