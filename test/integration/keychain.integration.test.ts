// The keychain against a real Secret Service (gnome-keyring in the private D-Bus session
// that `npm test` starts), and the failure modes a user meets: no D-Bus, a locked keyring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keychain, KeychainError, classifyKeychainError, loadKeytar, parseKeyringReference } from '../../src/core/keychain/keychain';

const inKeyring = process.env.MCP_SECURE_TEST_KEYRING === '1';
const service = `mcp-secure-test-${process.pid}`;

test('setVerified stores a value that secret-tool finds under service/account; list and delete work', { skip: !inKeyring && 'needs the test keyring (run through npm test)' }, async () => {
  const keychain = new Keychain(loadKeytar(), { service });
  const value = `s3cr3t-${Date.now()}-value`;
  const entry = await keychain.setVerified('github/GITHUB_TOKEN', value);
  assert.equal(entry.reference, `keyring://${service}/github/GITHUB_TOKEN`);
  assert.deepEqual(parseKeyringReference(entry.reference), { service, account: 'github/GITHUB_TOKEN' });
  // The item is a real Secret Service item in keytar's layout: secret-tool finds it.
  const lookup = spawnSync('secret-tool', ['lookup', 'service', service, 'account', 'github/GITHUB_TOKEN'], { encoding: 'utf8' });
  assert.equal(lookup.status, 0, lookup.stderr);
  assert.ok(lookup.stdout === value, 'secret-tool returns the stored value');
  assert.deepEqual((await keychain.list()).map((e) => e.account), ['github/GITHUB_TOKEN']);
  assert.equal(await keychain.delete('github/GITHUB_TOKEN'), true);
  assert.equal(await keychain.get('github/GITHUB_TOKEN'), null);
  await keychain.preflight();
  assert.deepEqual(await keychain.list(), []);
});

/** Runs a keychain write in a child process with a modified environment; returns its stderr. */
function writeInChild(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const script = `
    const { Keychain, loadKeytar } = require(${JSON.stringify(join(__dirname, '../../src/core/keychain/keychain.ts'))});
    new Keychain(loadKeytar(), { service: 'mcp-secure-fail-test', timeoutMs: 5000 }).setVerified('a/B', 'value-that-must-not-print')
      .then(() => { console.error('STORED'); process.exit(0); }, (e) => { console.error(e.failure + ' :: ' + e.message); process.exit(3); });`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env, timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

test('no D-Bus session (headless/SSH): a KeychainError names the cause and the fix, never the value', () => {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  const { status, stderr } = writeInChild(env);
  assert.equal(status, 3, stderr);
  assert.match(stderr, /^no-dbus :: .*no D-Bus session bus.*dbus-run-session/m);
  assert.doesNotMatch(stderr, /value-that-must-not-print/);
});

test('a locked keyring: a KeychainError says it is locked and how to unlock', { skip: !inKeyring && 'needs dbus-run-session' }, () => {
  // A second private session whose login keyring exists but is never unlocked.
  const home = mkdtempSync(join(tmpdir(), 'mcps-locked-'));
  try {
    // Session 1 creates the login keyring with one password; session 2 "unlocks" it with
    // another, which leaves it locked (what a user with a changed login password sees).
    const create = spawnSync('dbus-run-session', ['--', 'sh', '-c', 'printf right | gnome-keyring-daemon --unlock --components=secrets >/dev/null'], {
      env: { ...process.env, XDG_DATA_HOME: home },
      timeout: 30_000,
    });
    assert.equal(create.status, 0);
    const setup = `printf wrong | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"`;
    const script = `
      const { Keychain, loadKeytar } = require(${JSON.stringify(join(__dirname, '../../src/core/keychain/keychain.ts'))});
      new Keychain(loadKeytar(), { service: 'mcp-secure-locked-test', timeoutMs: 8000 }).setVerified('a/B', 'value-that-must-not-print')
        .then(() => { console.error('STORED'); process.exit(0); }, (e) => { console.error(e.failure + ' :: ' + e.message); process.exit(3); });`;
    const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', setup, process.execPath, '--import', 'tsx', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, XDG_DATA_HOME: home },
      timeout: 60_000,
    });
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, /^(locked|timeout) :: /m);
    assert.doesNotMatch(result.stderr, /value-that-must-not-print/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('classification covers the documented failure texts', () => {
  const cases: Array<[string, string]> = [
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-dbus'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no-secret-service'],
    ['Cannot create an item in a locked collection', 'locked'],
    ["Cannot find module '../build/Release/keytar.node'", 'native-module'],
    ['libsecret-1.so.0: cannot open shared object file: No such file or directory', 'native-module'],
    ['The stub received bad data.', 'too-long'],
    ['something else entirely', 'unknown'],
  ];
  for (const [text, failure] of cases) {
    const error = classifyKeychainError(new Error(text), 'linux');
    assert.ok(error instanceof KeychainError);
    assert.equal(error.failure, failure, text);
    assert.ok(error.fix.length > 10);
  }
});
