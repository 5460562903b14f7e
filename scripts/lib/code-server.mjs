// Launcher library for a real VS Code (code-server from the npm registry, run under Node 24),
// shared by `npm run demo` (scripts/demo.mjs) and the end-to-end test (test/e2e/).
//
// Everything here binds to 127.0.0.1 only, uses fresh user-data / extensions dirs under a
// temp dir, and only ever kills processes it started itself (by process group id).
//
// See /work/shared/notes/real-vscode-and-keychain.md for the recipe this follows.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------
// (a) Locate Node 24 and code-server
// ---------------------------------------------------------------------------------------

/**
 * Finds Node 24 and code-server installed by `npm run setup` (scripts/setup-vscode.sh)
 * under `<repo>/.cache/vscode`. Throws an error that tells the user what to run when
 * anything is missing.
 */
export function locateCodeServer({ root = repoRoot } = {}) {
  const dir = path.join(root, '.cache', 'vscode');
  const node = path.join(dir, 'node24', 'node_modules', 'node', 'bin', 'node');
  const pkgDir = path.join(dir, 'node_modules', 'code-server');
  const hint =
    `Real VS Code (code-server) is not installed under ${dir}.\n` +
    `Run \`npm run setup\` (or \`bash scripts/setup-vscode.sh\`) first; it installs Node 24 ` +
    `and code-server from the npm registry into .cache/vscode (about 2 minutes).`;
  if (!fs.existsSync(node)) throw new Error(`${hint}\n(missing: ${node})`);
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    throw new Error(`${hint}\n(missing: ${path.join(pkgDir, 'package.json')})`);
  }
  // The package's bin/main is out/node/entry.js; read it from package.json rather than assume.
  const binRel = (typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['code-server']) ?? pkg.main ?? 'out/node/entry.js';
  const entry = path.join(pkgDir, binRel);
  if (!fs.existsSync(entry)) throw new Error(`${hint}\n(missing: ${entry})`);
  const v = spawnSync(node, ['--version'], { encoding: 'utf8' });
  const nodeVersion = (v.stdout || '').trim();
  if (!/^v24\./.test(nodeVersion)) {
    throw new Error(`${hint}\n(${node} reports ${nodeVersion || v.error || 'nothing'}, code-server needs Node 24)`);
  }
  return { dir, node, entry, version: pkg.version, nodeVersion };
}

// ---------------------------------------------------------------------------------------
// Cleanup registry: runs on normal exit, SIGINT/SIGTERM/SIGHUP and uncaught exceptions.
// ---------------------------------------------------------------------------------------

const syncCleanups = new Set(); // functions safe to call synchronously (process 'exit')
let handlersInstalled = false;

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', runSyncCleanups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      runSyncCleanups();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  // Uncaught exceptions end the process through 'exit', which runs the cleanups too.
}

function runSyncCleanups() {
  for (const fn of [...syncCleanups].reverse()) {
    try {
      fn();
    } catch {
      /* best effort */
    }
    syncCleanups.delete(fn);
  }
}

/** Registers a synchronous cleanup; returns a function that unregisters it. */
export function onCleanup(fn) {
  installHandlers();
  syncCleanups.add(fn);
  return () => syncCleanups.delete(fn);
}

// ---------------------------------------------------------------------------------------
// (b) Fresh profile: user-data dir, extensions dir, settings
// ---------------------------------------------------------------------------------------

/** Settings that keep the workbench quiet and screenshots clean. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // Chat / Copilot / VS Code's own MCP client: off, so nothing but our extension reads or
  // starts MCP servers and no chat panel covers the screenshots.
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'chat.mcp.enabled': false,
  'chat.mcp.access': 'none',
  'chat.mcp.autostart': 'never',
  'chat.mcp.discovery.enabled': false,
  'github.copilot.enable': { '*': false },
  // Workspace trust: never a modal on startup; the banner shows Restricted Mode instead.
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.emptyWindow': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
};

/**
 * Creates a fresh temp dir with `user-data/` and `extensions/`, writes
 * `user-data/User/settings.json` and an empty code-server config file.
 *
 * @param {object} opts
 * @param {boolean} opts.trusted  true: `security.workspace.trust.enabled: false` (every
 *   folder is trusted); false: Workspace Trust stays on (folders open in Restricted Mode).
 * @param {object} [opts.settings]  extra settings merged over QUIET_SETTINGS.
 * @param {string} [opts.prefix]  temp dir name prefix.
 * @param {boolean} [opts.keep]  do not delete the temp dir on cleanup.
 */
export function createProfile({ trusted, settings = {}, prefix = 'mcp-secure-vscode-', keep = false } = {}) {
  if (typeof trusted !== 'boolean') throw new Error('createProfile: pass trusted: true|false');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  const configFile = path.join(dir, 'code-server.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const all = { ...QUIET_SETTINGS, ...settings };
  if (trusted) all['security.workspace.trust.enabled'] = false;
  else delete all['security.workspace.trust.enabled']; // default: on
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(all, null, 2) + '\n');
  // Our own (non-empty) config file, so code-server neither reads nor writes
  // ~/.config/code-server/config.yaml. Flags on the command line override it.
  fs.writeFileSync(configFile, `bind-addr: ${HOST}:0\nauth: none\ncert: false\n`);
  const profile = {
    dir,
    userDataDir,
    extensionsDir,
    configFile,
    trusted,
    settings: all,
    cleanup() {
      unregister();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  const unregister = onCleanup(() => {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  return profile;
}

// ---------------------------------------------------------------------------------------
// (c) Install a VSIX
// ---------------------------------------------------------------------------------------

function baseArgs(cs, profile) {
  return [
    cs.entry,
    '--config', profile.configFile,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
  ];
}

/** Environment for code-server: no proxies or update checks that would leave 127.0.0.1. */
function serverEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) delete env[k];
  // Do not let the test runner's Node options (e.g. --test flags) leak into Node 24.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  delete env.VSCODE_IPC_HOOK_CLI;
  // No extension gallery (code-server defaults to open-vsx.org): nothing leaves 127.0.0.1.
  if (env.EXTENSIONS_GALLERY === undefined) env.EXTENSIONS_GALLERY = '{}';
  return env;
}

/**
 * Installs a VSIX into the profile's extensions dir. Verifies both code-server's output
 * ("was successfully installed") and that the extension folder exists with its
 * package.json. Returns { id, version, dir, output }.
 */
export function installVsix(cs, profile, vsixPath) {
  const vsix = path.resolve(vsixPath);
  if (!fs.existsSync(vsix)) throw new Error(`VSIX not found: ${vsix} (build it with \`npm run package\`)`);
  const r = spawnSync(cs.node, [...baseArgs(cs, profile), '--force', '--install-extension', vsix], {
    encoding: 'utf8',
    env: serverEnv(),
    timeout: 120_000,
  });
  const output = `${r.stdout || ''}${r.stderr || ''}`.trim();
  if (r.error) throw new Error(`code-server --install-extension failed to run: ${r.error.message}\n${output}`);
  if (r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`Installing ${vsix} failed (exit ${r.status}):\n${output}`);
  }
  // Find the installed folder from extensions.json (written by VS Code) or by name.
  const dirs = fs.readdirSync(profile.extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  const installed = [];
  for (const d of dirs) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(profile.extensionsDir, d, 'package.json'), 'utf8'));
      installed.push({ id: `${pkg.publisher}.${pkg.name}`.toLowerCase(), version: pkg.version, dir: path.join(profile.extensionsDir, d), pkg });
    } catch {
      /* not an extension folder */
    }
  }
  if (installed.length === 0) throw new Error(`code-server said the VSIX was installed, but ${profile.extensionsDir} holds no extension:\n${output}`);
  const ext = installed[installed.length - 1];
  return { ...ext, output };
}

// ---------------------------------------------------------------------------------------
// (d) Start code-server, (e) stop it
// ---------------------------------------------------------------------------------------

/** A free TCP port on 127.0.0.1. */
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Kills a process group we started (pgid = the leader's pid). Synchronous, best effort. */
export function killGroupSync(pgid, signal = 'SIGKILL') {
  if (!pgid || pgid <= 1 || pgid === process.pid) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts code-server in its own process group on 127.0.0.1 and waits until it answers HTTP.
 *
 * @param {object} cs  from locateCodeServer()
 * @param {object} profile  from createProfile()
 * @param {object} [opts]
 * @param {number} [opts.port]  default: a free port
 * @param {string} [opts.folder]  folder to open (also passed on the command line)
 * @param {boolean} [opts.disableWorkspaceTrust]  pass --disable-workspace-trust. Off by
 *   default: trust behaviour comes from settings.json (see createProfile).
 * @param {object} [opts.env]  extra environment for code-server (and so the extension host)
 * @param {string[]} [opts.extraArgs]
 * @param {number} [opts.timeoutMs]  how long to wait for HTTP (default 60 s)
 * @param {boolean} [opts.inheritOutput]  also echo code-server's output to our stdout
 * @returns {Promise<{pid:number, port:number, baseUrl:string, url:string, logFile:string,
 *   stop:() => Promise<void>, stopSync:() => void, descendants:() => object[], logTail:(n?:number)=>string}>}
 */
export async function startCodeServer(cs, profile, opts = {}) {
  const port = opts.port ?? (await getFreePort());
  const folder = opts.folder ? path.resolve(opts.folder) : undefined;
  const logFile = path.join(profile.dir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    ...baseArgs(cs, profile),
    '--auth', 'none',
    '--bind-addr', `${HOST}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.disableWorkspaceTrust ? ['--disable-workspace-trust'] : []),
    ...(opts.extraArgs ?? []),
    ...(folder ? [folder] : []),
  ];
  // Every process code-server starts inherits this entry (unless given a fresh environment):
  // it finds them even when they left the process tree, so they can be watched and ended.
  const envMarker = `MCP_SECURE_VSCODE_SESSION=${profile.dir}`;
  const child = spawn(cs.node, args, {
    cwd: profile.dir, // not the workspace: a process whose cwd is in the workspace is a suspect in tests
    env: { ...serverEnv(opts.env), MCP_SECURE_VSCODE_SESSION: profile.dir },
    detached: true, // own process group: we end the whole group (extension host, agent host...)
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (!pid) throw new Error('code-server did not start (no pid)');
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const unregister = onCleanup(() => {
    const snapshot = listDescendants(pid);
    killGroupSync(pid);
    killStragglers(snapshot);
  });

  const logTail = (n = 40) => {
    try {
      return fs.readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  };

  // Terminals (pty host) run in sessions of their own, outside our process group: end
  // every descendant we find too (identified by pid + start time, so never a reused pid).
  const killStragglers = (snapshot) => {
    const procs = listProcesses();
    const now = new Map(procs.map((p) => [p.pid, p]));
    const kill = (pid) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    for (const p of snapshot) {
      const cur = now.get(p.pid);
      if (cur && cur.starttime === p.starttime) kill(p.pid);
    }
    // Processes that left the tree (daemonised / re-parented) but carry this session's marker.
    for (const p of procs) if (p.pid !== process.pid && environHas(p.pid, envMarker)) kill(p.pid);
  };
  const stopSync = () => {
    const snapshot = listDescendants(pid);
    killGroupSync(pid, 'SIGKILL');
    killStragglers(snapshot);
    unregister();
  };
  const stop = async () => {
    const snapshot = listDescendants(pid);
    if (groupAlive(pid)) {
      killGroupSync(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) killGroupSync(pid, 'SIGKILL');
      const deadline2 = Date.now() + 3000;
      while (groupAlive(pid) && Date.now() < deadline2) await sleep(50);
    }
    killStragglers(snapshot);
    unregister();
  };

  const baseUrl = `http://${HOST}:${port}`;
  const url = folder ? `${baseUrl}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}` : `${baseUrl}/`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  for (;;) {
    if (exited) {
      unregister();
      throw new Error(`code-server exited early (${JSON.stringify(exited)}). Its log:\n${logTail()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
      lastErr = `HTTP ${res.status}`;
    } catch (e) {
      lastErr = e.cause?.code ?? e.message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${baseUrl} within ${timeoutMs} ms (${lastErr}). Its log:\n${logTail()}`);
    }
    await sleep(200);
  }
  if (opts.inheritOutput) {
    // Tail the log to stdout for interactive use.
    let pos = fs.statSync(logFile).size;
    const t = setInterval(() => {
      try {
        const size = fs.statSync(logFile).size;
        if (size > pos) {
          const fd = fs.openSync(logFile, 'r');
          const buf = Buffer.alloc(size - pos);
          fs.readSync(fd, buf, 0, buf.length, pos);
          fs.closeSync(fd);
          pos = size;
          process.stdout.write(buf);
        }
      } catch {
        /* ignore */
      }
    }, 500);
    t.unref();
  }
  return {
    pid,
    port,
    baseUrl,
    url,
    folder,
    logFile,
    child,
    stop,
    stopSync,
    logTail,
    envMarker,
    isAlive: () => isAlive(pid),
    descendants: () => listDescendants(pid),
  };
}

/** The `?folder=` URL for a folder on a running server. */
export function folderUrl(baseUrl, folder) {
  return `${baseUrl}/?folder=${encodeURIComponent(path.resolve(folder)).replace(/%2F/g, '/')}`;
}

// ---------------------------------------------------------------------------------------
// Process inspection (Linux /proc)
// ---------------------------------------------------------------------------------------

/** Every process visible in /proc: { pid, ppid, pgid, cmdline, comm }. */
export function listProcesses() {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      // comm may contain spaces/parens: take what follows the last ')'.
      const rp = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, rp);
      const rest = stat.slice(rp + 2).split(' ');
      const ppid = Number(rest[1]);
      const pgid = Number(rest[2]);
      const starttime = Number(rest[19]);
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      } catch {
        /* gone */
      }
      out.push({ pid: Number(d), ppid, pgid, comm, cmdline, starttime });
    } catch {
      /* process ended while reading */
    }
  }
  return out;
}

/** Whether /proc/<pid>/environ holds the entry `marker` (NAME=value). */
export function environHas(pid, marker) {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** All descendants of pid (children, grandchildren, ...), plus anything still in its process group. */
export function listDescendants(rootPid, procs = listProcesses()) {
  const byParent = new Map();
  for (const p of procs) {
    if (!byParent.has(p.ppid)) byParent.set(p.ppid, []);
    byParent.get(p.ppid).push(p);
  }
  const seen = new Map();
  const stack = [rootPid];
  while (stack.length) {
    const cur = stack.pop();
    for (const c of byParent.get(cur) ?? []) {
      if (!seen.has(c.pid)) {
        seen.set(c.pid, c);
        stack.push(c.pid);
      }
    }
  }
  for (const p of procs) if (p.pgid === rootPid && p.pid !== rootPid && !seen.has(p.pid)) seen.set(p.pid, p);
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------

/** Recursively lists files under dir whose path matches re. */
export function findFiles(dir, re) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (re.test(p)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The extension host logs of a profile: { exthost: [...], mcpSecure: [...] } where
 * mcpSecure are the "MCP Secure" output channel log files (an OutputChannel is written to
 * logs/SESSION/.../exthostN/output_logging_TIME/N-MCP Secure.log, a LogOutputChannel to
 * logs/SESSION/.../exthostN/EXTENSION-ID/MCP Secure.log).
 */
export function findExtensionLogs(profile) {
  const logsDir = path.join(profile.userDataDir, 'logs');
  const all = findFiles(logsDir, /\.log$/);
  return {
    all,
    exthost: all.filter((f) => /\/exthost\d*\/(remote)?exthost\.log$/i.test(f)),
    mcpSecure: all.filter((f) => /^(\d+-)?MCP Secure\.log$/i.test(path.basename(f)) || /\/mcp-secure\.mcp-secure\/[^/]+\.log$/.test(f)),
  };
}

export function tailFile(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(cannot read ${file}: ${e.message})`;
  }
}

/**
 * A working copy of a workspace (by default the demo) that VS Code, quick fixes and tests may
 * change freely, as its own git repository with one commit, like a real project: the checked-in
 * examples stay untouched, and git-exposure findings look as they would for a user.
 */
export function prepareWorkspaceCopy(source, target) {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, target, { recursive: true });
  const git = (...args) =>
    spawnSync('git', args, {
      cwd: target,
      stdio: 'ignore',
      env: { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.invalid', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.invalid' },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'Demo workspace');
  return target;
}
