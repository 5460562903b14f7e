// Watches the process tree of a code-server instance, to prove that nothing in it started
// an MCP server, the `mcp-secure run` launcher or the matrix harness.

import fs from 'node:fs';
import path from 'node:path';
import { environHas, listDescendants, listProcesses } from '../../../scripts/lib/code-server.mjs';

function cwdOf(pid) {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/**
 * Samples the descendants of rootPid every intervalMs and remembers every process it has
 * seen (keyed by pid + start time), with its cmdline and cwd.
 */
export class ProcessSampler {
  /**
   * @param {number} rootPid  code-server's pid
   * @param {object} [o]
   * @param {number} [o.intervalMs]
   * @param {string} [o.envMarker]  an environment entry unique to this code-server
   *   (server.envMarker): processes that carry it are also watched when they are no
   *   longer descendants (daemonised, or their parent exited and they were re-parented).
   */
  constructor(rootPid, { intervalMs = 150, envMarker } = {}) {
    this.rootPid = rootPid;
    this.intervalMs = intervalMs;
    this.envMarker = envMarker;
    this.envChecked = new Set();
    this.seen = new Map();
    this.marks = new Map();
    this.samples = 0;
    this.timer = null;
  }

  sample() {
    const procs = listProcesses();
    const watched = listDescendants(this.rootPid, procs);
    if (this.envMarker) {
      const inTree = new Set(watched.map((p) => p.pid));
      for (const p of procs) {
        const key = `${p.pid}:${p.starttime}`;
        if (inTree.has(p.pid) || p.pid === this.rootPid || this.envChecked.has(key) || this.seen.has(key)) continue;
        this.envChecked.add(key);
        if (environHas(p.pid, this.envMarker)) watched.push({ ...p, adopted: true });
      }
    }
    for (const p of watched) {
      const key = `${p.pid}:${p.starttime}`;
      const known = this.seen.get(key);
      if (!known) {
        this.seen.set(key, { ...p, cmdlines: [p.cmdline], cwd: cwdOf(p.pid), cwds: [], firstSample: this.samples });
        continue;
      }
      // Between fork and exec a child still shows its parent's command line: keep every
      // command line (and working directory) a process has had.
      if (p.cmdline && !known.cmdlines.includes(p.cmdline)) known.cmdlines.push(p.cmdline);
      if (p.cmdline) known.cmdline = p.cmdline;
      const cwd = cwdOf(p.pid);
      if (cwd && cwd !== known.cwd) {
        if (known.cwd) known.cwds.push(known.cwd);
        known.cwd = cwd;
      }
    }
    this.samples++;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  /** Remembers the set of processes seen so far under a name (e.g. 'baseline'). */
  mark(name) {
    this.sample();
    this.marks.set(name, new Set(this.seen.keys()));
  }

  /** Processes first seen after the mark. */
  since(name) {
    const base = this.marks.get(name) ?? new Set();
    return [...this.seen.entries()].filter(([k]) => !base.has(k)).map(([, p]) => p);
  }

  all() {
    return [...this.seen.values()];
  }
}

// VS Code's own processes (extension host, file watcher, pty host, bundled language
// servers, its cpu-usage probe) live under code-server's install dir. They are not
// suspects unless they also name a server of the workspace.
const VSCODE_INFRA = /\/node_modules\/code-server\/(lib|out)\//;
// A process that exited between two samples shows no command line, only its kernel name
// (comm). VS Code's own search and SCM helpers run in the workspace folder; when that is all
// that is known of a process, these names count as VS Code's.
const VSCODE_HELPER_COMMS = new Set(['rg', 'git']);

/**
 * Patterns that identify an MCP server of the workspace, the launcher or the harness.
 * @param {object} o
 * @param {string} o.workspace  absolute path of the workspace
 * @param {string[]} o.serverRoots  workspace-relative roots of the server projects
 * @param {string[]} o.entryPoints  source files that start the servers
 * @param {string[]} o.commands  the `command` of every configured server (npx, uvx, docker...)
 */
export function suspectPatterns({ workspace, serverRoots = [], entryPoints = [], commands = [] }) {
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const words = new Set();
  for (const r of serverRoots) {
    const base = path.basename(r);
    if (base && base !== '.') words.add(base);
  }
  for (const e of entryPoints) {
    const base = path.basename(e);
    // Only file-like names (server.py, stdio.ts, dist/server.js): never bare `node`, `npx`, `uvx`.
    if (/\.[a-z]{1,4}$/i.test(base) || e.includes('/')) words.add(base);
  }
  const list = [
    { name: 'workspace path', re: new RegExp(esc(workspace)) },
    ...[...words].map((w) => ({ name: `server entry "${w}"`, re: new RegExp(`(^|[\\s/'"=])${esc(w)}($|[\\s/'"])`) })),
    // Commands the configs run (npx, uvx, docker, go ...), as a process's own program.
    // `node` and `python` are left out: VS Code runs its own helpers with node.
    ...[...new Set(commands)]
      .filter((c) => c && !/^(node|nodejs|python3?|sh|bash)$/.test(path.basename(c)))
      .map((c) => ({ name: `config command "${c}"`, re: new RegExp(`^(\\S*/)?${esc(path.basename(c))}(\\s|$)`) })),
    { name: 'npx (run by node)', re: /\/npx-cli\.js(\s|$)/ },
    { name: 'mcp-secure launcher', re: /\bmcp-secure(\.js)?\s+run\b|\bcli\.js\s+run\b/ },
    { name: 'principal matrix harness', re: /\bmcp-matrix\b|\bmcp-secure(\.js)?\s+matrix\b|\bcli\.js\s+matrix\b/ },
  ];
  return list;
}

/**
 * Processes among `procs` that look like an MCP server / launcher / harness: their
 * cmdline matches a pattern, or (for non-VS-Code processes) their cwd is inside the
 * workspace. Returns [{ proc, reasons }].
 */
export function findSuspects(procs, patterns, { workspace }) {
  const out = [];
  for (const p of procs) {
    const reasons = [];
    const cmdlines = p.cmdlines ?? [p.cmdline];
    for (const { name, re } of patterns) if (cmdlines.some((c) => re.test(c))) reasons.push(`cmdline matches ${name}`);
    const nameOnly = !cmdlines.some(Boolean);
    const infra = VSCODE_INFRA.test(p.cmdline) || (nameOnly && VSCODE_HELPER_COMMS.has(p.comm));
    for (const cwd of new Set([p.cwd, ...(p.cwds ?? [])])) {
      if (!infra && cwd && (cwd === workspace || cwd.startsWith(workspace + path.sep))) {
        reasons.push(`cwd ${cwd} is inside the workspace`);
      }
    }
    if (reasons.length) out.push({ proc: p, reasons });
  }
  return out;
}

export function describeProcs(procs) {
  return procs
    .map((p) => `  pid ${p.pid} (ppid ${p.ppid}${p.adopted ? ', outside the tree, same environment' : ''}) cwd=${p.cwd ?? '?'}: ${p.cmdline ? p.cmdline.slice(0, 300) : `[${p.comm ?? '?'}] (exited before its command line was read)`}`)
    .join('\n');
}
