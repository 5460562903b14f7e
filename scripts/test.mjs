// The one test command: `npm test`.
//   npm test            typecheck, build + package the VSIX, then every test (unit, CLI,
//                       integration with real MCP servers / keychain, end-to-end in code-server)
//   npm test -- unit    typecheck + unit tests only (fast inner loop)
//   npm test -- e2e     build + package + the end-to-end tests only
// Needs what `npm run setup` installs (Debian packages, code-server under Node 24).
// Ends with one line "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // undefined | 'unit' | 'e2e'
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

function step(title, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    console.error(`✘ ${title} failed (exit ${run.status ?? run.signal}) after ${seconds}s`);
    return false;
  }
  console.log(`✔ ${title} (${seconds}s)`);
  return true;
}

function findTests(dir, pattern) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      out.push(...findTests(full, pattern));
    } else if (pattern.test(name)) out.push(full);
  }
  return out.sort();
}

const unitTests = findTests(join(root, 'test'), /\.test\.(ts|mjs)$/).filter((f) => !/\.(e2e|integration)\.test\./.test(f));
const integrationTests = findTests(join(root, 'test'), /\.integration\.test\.(ts|mjs)$/);
const e2eTests = findTests(join(root, 'test'), /\.e2e\.test\.(ts|mjs)$/);

let ok = step('Typecheck (tsc --noEmit, strict)', 'npx', ['tsc', '--noEmit', '-p', '.']);
let files = [];
if (only === 'unit') {
  files = unitTests;
} else {
  ok = step('Build and package the VSIX', 'npm', ['run', '--silent', 'package']) && ok;
  files = only === 'e2e' ? e2eTests : [...unitTests, ...integrationTests, ...e2eTests];
}

const tap = join(results, 'node-test.tap');
rmSync(tap, { force: true });
console.log(`\n▶ Tests: ${files.length} files\n  ${files.map((f) => relative(root, f)).join('\n  ')}`);
const nodeArgs = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files];
// A real Secret Service for the keychain tests: a private D-Bus session with a fresh, unlocked
// gnome-keyring (a new keyring folder each run, so a stale keyring can never be left locked).
const keyringHome = mkdtempSync(join(tmpdir(), 'mcps-keyring-'));
const inner = `echo -n mcp-secure-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@"`;
const haveKeyring = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], { stdio: 'ignore' }).status === 0;
if (!haveKeyring) console.log('  (dbus-run-session or gnome-keyring-daemon missing: run `npm run setup`; keychain tests will fail)');
const run = haveKeyring
  ? spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, process.execPath, ...nodeArgs], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MCP_SECURE_TEST_RESULTS: results, XDG_DATA_HOME: keyringHome, MCP_SECURE_TEST_KEYRING: '1' },
    })
  : spawnSync(process.execPath, nodeArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, MCP_SECURE_TEST_RESULTS: results } });
rmSync(keyringHome, { recursive: true, force: true });

const counts = { pass: 0, fail: 0, skipped: 0 };
if (existsSync(tap)) {
  const text = readFileSync(tap, 'utf8');
  for (const key of ['pass', 'fail', 'skipped']) {
    const match = text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'));
    if (match) counts[key] = Number(match[1]);
  }
}
if (!ok) counts.fail += 1; // a failed typecheck or build counts as a failure
if (run.status !== 0 && counts.fail === 0) counts.fail = 1;
console.log(`\n${counts.pass} passed, ${counts.fail} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exitCode = ok && run.status === 0 && counts.fail === 0 && counts.pass > 0 ? 0 : 1;
