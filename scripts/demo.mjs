#!/usr/bin/env node
// `npm run demo`: builds the VSIX, installs it into a fresh real VS Code (code-server) and
// opens examples/demo-workspace (trusted) on http://127.0.0.1:PORT until Ctrl-C.
//
//   npm run demo                     build (npm run package), then serve on a free port
//   npm run demo -- --no-build       use the existing dist/mcp-secure.vsix
//   npm run demo -- --port 8080      fixed port (still 127.0.0.1 only)
//   npm run demo -- --untrusted      keep Workspace Trust on (Restricted Mode)
//   npm run demo -- --vsix FILE      another VSIX
//   npm run demo -- --folder DIR     another folder to open
//
// Requires `npm run setup` once (installs Node 24 + code-server into .cache/vscode).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProfile, installVsix, locateCodeServer, prepareWorkspaceCopy, repoRoot, startCodeServer } from './lib/code-server.mjs';

function usage(msg) {
  if (msg) console.error(`demo: ${msg}`);
  console.error('usage: node scripts/demo.mjs [--no-build] [--port N] [--untrusted] [--vsix FILE] [--folder DIR] [--keep]');
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      port: { type: 'string' },
      untrusted: { type: 'boolean', default: false },
      vsix: { type: 'string' },
      folder: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (e) {
  usage(e.message);
}
if (opts.help) usage();

let port;
if (opts.port !== undefined) {
  port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`--port must be a number between 1 and 65535, got "${opts.port}"`);
}
const vsix = path.resolve(opts.vsix ?? path.join(repoRoot, 'dist', 'mcp-secure.vsix'));
// The demo opens a fresh copy (its own git repository), so quick fixes and VS Code's own
// settings migrations never touch the checked-in examples.
const folder = opts.folder
  ? path.resolve(opts.folder)
  : prepareWorkspaceCopy(path.join(repoRoot, 'examples', 'demo-workspace'), path.join(repoRoot, '.cache', 'demo', 'demo-workspace'));
if (!fs.existsSync(folder)) usage(`folder not found: ${folder}`);

let cs;
try {
  cs = locateCodeServer();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}

if (!opts['no-build'] && !opts.vsix) {
  console.log('demo: building the VSIX (npm run package) ...');
  const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`demo: \`npm run package\` failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}
if (!fs.existsSync(vsix)) {
  console.error(`demo: ${vsix} does not exist; run \`npm run package\` (or drop --no-build).`);
  process.exit(1);
}

const profile = createProfile({ trusted: !opts.untrusted, keep: opts.keep, prefix: 'mcp-secure-demo-' });
let server;
try {
  const ext = installVsix(cs, profile, vsix);
  console.log(`demo: installed ${ext.id}@${ext.version} into a fresh profile (${profile.dir})`);
  server = await startCodeServer(cs, profile, { folder, port });
} catch (e) {
  console.error(`demo: ${e.message}`);
  profile.cleanup();
  process.exit(1);
}

console.log(
  [
    '',
    `  VS Code (code-server ${cs.version}) with MCP Secure is running${opts.untrusted ? ' (Workspace Trust on: Restricted Mode)' : ''}:`,
    '',
    `    ${server.url}`,
    '',
    `  Open it in a browser on this machine (it listens on 127.0.0.1 only; from another machine`,
    `  use an SSH tunnel: ssh -L ${server.port}:127.0.0.1:${server.port} <host>).`,
    `  Click the shield icon in the activity bar for the MCP Secure view.`,
    `  code-server log: ${server.logFile}`,
    '',
    '  Press Ctrl-C to stop (code-server and its processes are ended and the profile removed).',
    '',
  ].join('\n'),
);

let stopping = false;
async function shutdown(code) {
  if (stopping) {
    // Second Ctrl-C: exit now; the library's 'exit' handler still kills the process group.
    process.exit(130);
  }
  stopping = true;
  console.log('\ndemo: stopping code-server ...');
  await server.stop();
  profile.cleanup();
  process.exit(code);
}
// Our own handlers run the graceful stop; the library's handlers stay as the safety net.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

// Keep running; report if code-server dies on its own.
server.child.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`demo: code-server exited (${code ?? signal}). Last log lines:\n${server.logTail(30)}`);
  shutdown(1);
});
