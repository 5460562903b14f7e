// The launcher's core: reference resolution (env, args, headers), fail-closed messages, the
// PATH fix for GUI clients, Windows cmd quoting, and running real child processes (exit codes,
// signals, spawn errors). A fake keychain stands in for the OS one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeychainError } from '../../src/core/keychain/keychain';
import { needsKeychain, parseReference, ReferenceResolver, scrub, type SecretReader } from '../../src/core/launcher/references';
import { commonToolDirs, findOnPath, fixPath, pathKey, type PathProbe } from '../../src/core/launcher/pathFix';
import { cmdShimInvocation, exitCodeFor, quoteForCmd, type SignalSource } from '../../src/core/launcher/child';
import { childBaseEnv, launch, EXIT_NOT_FOUND, EXIT_UNRESOLVED, EXIT_CANNOT_EXECUTE, EXIT_USAGE, type LaunchOptions } from '../../src/core/launcher/run';

const SECRET = 'ghp_launcherTestSecretValue0123456789AB';
const OTHER = 'other-secret-value-that-must-not-print';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** An in-memory keychain: `svc/account` → value. Counts reads. */
function fakeReader(entries: Record<string, string>, calls: string[] = []): SecretReader {
  return async (account, service) => {
    calls.push(`${service}/${account}`);
    return entries[`${service}/${account}`] ?? null;
  };
}

// ---------------------------------------------------------------------------------------------
// references

test('parseReference: whole references only; malformed ones are "invalid"', () => {
  assert.deepEqual(parseReference('keyring://mcp-secure/github/GITHUB_TOKEN'), { service: 'mcp-secure', account: 'github/GITHUB_TOKEN', reference: 'keyring://mcp-secure/github/GITHUB_TOKEN' });
  assert.equal(parseReference('ghp_x'), undefined);
  assert.equal(parseReference('prefix keyring://a/b'), undefined);
  assert.equal(parseReference('keyring://only-service'), 'invalid');
  assert.equal(parseReference('keyring://svc/has space'), 'invalid');
  assert.equal(parseReference('keyring://%E0%A4%A/acct'), 'invalid');
});

test('resolveEnv: references become values, everything else is untouched; each entry is read once', async () => {
  const calls: string[] = [];
  const resolver = new ReferenceResolver(fakeReader({ 'mcp-secure/github/GITHUB_TOKEN': SECRET }, calls));
  const env = await resolver.resolveEnv({
    GITHUB_TOKEN: 'keyring://mcp-secure/github/GITHUB_TOKEN',
    SAME_AGAIN: 'keyring://mcp-secure/github/GITHUB_TOKEN',
    PLAIN: 'hello',
    EMBEDDED: 'x keyring://mcp-secure/github/GITHUB_TOKEN',
    UNSET: undefined,
  });
  assert.deepEqual(env, { GITHUB_TOKEN: SECRET, SAME_AGAIN: SECRET, PLAIN: 'hello', EMBEDDED: 'x keyring://mcp-secure/github/GITHUB_TOKEN' });
  assert.deepEqual(await resolver.problems(), []);
  assert.deepEqual(calls, ['mcp-secure/github/GITHUB_TOKEN']);
  assert.ok(resolver.values.has(SECRET));
});

test('resolveArgs: a whole-argument reference and --flag=<reference>; nothing else', async () => {
  const resolver = new ReferenceResolver(fakeReader({ 'svc/a/TOKEN': SECRET }));
  const args = await resolver.resolveArgs(['-y', 'keyring://svc/a/TOKEN', '--token=keyring://svc/a/TOKEN', '-t=keyring://svc/a/TOKEN', 'x=keyring://svc/a/TOKEN', '--url', 'https://h/?k=keyring://svc/a/TOKEN']);
  assert.deepEqual(args, ['-y', SECRET, `--token=${SECRET}`, `-t=${SECRET}`, 'x=keyring://svc/a/TOKEN', '--url', 'https://h/?k=keyring://svc/a/TOKEN']);
  assert.deepEqual(await resolver.problems(), []);
});

test('resolveHeader: a whole reference or "<scheme> <reference>"', async () => {
  const resolver = new ReferenceResolver(fakeReader({ 'svc/h/AUTH': SECRET }));
  assert.equal(await resolver.resolveHeader('Authorization', 'Bearer keyring://svc/h/AUTH'), `Bearer ${SECRET}`);
  assert.equal(await resolver.resolveHeader('X-Api-Key', 'keyring://svc/h/AUTH'), SECRET);
  assert.equal(await resolver.resolveHeader('X-Plain', 'literal value'), 'literal value');
  assert.equal(await resolver.resolveUrl('https://example.com/mcp'), 'https://example.com/mcp');
});

test('fail closed: a missing entry names the variable and the reference, and how to fix it; never a value', async () => {
  const resolver = new ReferenceResolver(fakeReader({ 'svc/ok/OK': OTHER }));
  await resolver.resolveEnv({ OK: 'keyring://svc/ok/OK', GITHUB_TOKEN: 'keyring://svc/github/GITHUB_TOKEN', BAD: 'keyring://nope' });
  await resolver.resolveArgs(['--key=keyring://svc/args/KEY']);
  const problems = await resolver.problems();
  assert.deepEqual(problems.map((p) => p.kind).sort(), ['invalid', 'missing', 'missing']);
  const text = problems.map((p) => p.message).join('\n');
  assert.match(text, /GITHUB_TOKEN refers to keyring:\/\/svc\/github\/GITHUB_TOKEN, which is not in the OS keychain/);
  assert.match(text, /mcp-secure keychain list --service svc/);
  assert.match(text, /argument 1 \(--key\) refers to keyring:\/\/svc\/args\/KEY/);
  assert.match(text, /BAD is set to "keyring:\/\/nope", which is not a valid reference/);
  assert.doesNotMatch(text, new RegExp(OTHER));
});

test('a keychain failure is reported once per cause with its fix, listing every variable it blocked', async () => {
  const reader: SecretReader = async () => {
    throw new KeychainError('locked', 'The OS keychain is locked.', 'Unlock the login keyring and try again.');
  };
  const resolver = new ReferenceResolver(reader);
  await resolver.resolveEnv({ A: 'keyring://svc/a', B: 'keyring://svc/b' });
  const problems = await resolver.problems();
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.kind, 'keychain');
  assert.match(problems[0]!.message, /^cannot read A \(keyring:\/\/svc\/a\), B \(keyring:\/\/svc\/b\): The OS keychain is locked\. Unlock the login keyring/);
});

test('an empty keychain entry fails closed too', async () => {
  const resolver = new ReferenceResolver(fakeReader({ 'svc/e': '' }));
  await resolver.resolveEnv({ E: 'keyring://svc/e' });
  const [problem] = await resolver.problems();
  assert.equal(problem?.kind, 'empty');
});

test('needsKeychain and scrub', () => {
  assert.equal(needsKeychain({ A: 'x' }, ['a']), false);
  assert.equal(needsKeychain({ A: 'keyring://s/a' }), true);
  assert.equal(needsKeychain({}, ['--t=keyring://s/a']), true);
  assert.equal(needsKeychain({}, [], ['Bearer keyring://s/a']), true);
  assert.equal(scrub(`failed with ${SECRET} and ${SECRET.slice(0, 10)}`, [SECRET]), `failed with [redacted] and ${SECRET.slice(0, 10)}`);
});

// ---------------------------------------------------------------------------------------------
// PATH fix

function fakeProbe(files: string[], dirs: string[]): PathProbe {
  const fileSet = new Set(files);
  const dirSet = new Set(dirs);
  return {
    isExecutable: (f) => fileSet.has(f),
    isDirectory: (d) => dirSet.has(d),
    list: (d) => [...dirSet].filter((x) => x.startsWith(`${d}/`) && !x.slice(d.length + 1).includes('/')).map((x) => x.slice(d.length + 1)),
  };
}

test('fixPath leaves PATH alone when the command is found on it', () => {
  const probe = fakeProbe(['/usr/bin/npx'], ['/usr/bin', '/opt/homebrew/bin']);
  const env = { PATH: '/usr/bin:/bin' };
  const fix = fixPath('npx', env, { platform: 'darwin', home: '/Users/me', probe });
  assert.equal(fix.env, env);
  assert.deepEqual(fix.added, []);
  assert.equal(fix.resolved, '/usr/bin/npx');
});

test('fixPath: npx missing from a GUI client\'s PATH is found in the newest nvm version, which is prepended with the other tool folders', () => {
  const home = '/home/me';
  const nvm = `${home}/.nvm/versions/node`;
  const probe = fakeProbe(
    [`${nvm}/v20.11.1/bin/npx`, `${nvm}/v9.0.0/bin/npx`, `${nvm}/v18.2.0/bin/npx`],
    [nvm, `${nvm}/v9.0.0`, `${nvm}/v20.11.1`, `${nvm}/v18.2.0`, `${nvm}/v20.11.1/bin`, `${nvm}/v18.2.0/bin`, `${nvm}/v9.0.0/bin`, `${home}/.local/bin`, '/usr/local/bin', '/usr/bin', '/bin'],
  );
  const fix = fixPath('npx', { PATH: '/usr/bin:/bin', OTHER: 'x' }, { platform: 'linux', home, probe });
  assert.equal(fix.resolved, `${nvm}/v20.11.1/bin/npx`);
  assert.deepEqual(fix.added, [`${nvm}/v20.11.1/bin`, `${home}/.local/bin`, '/usr/local/bin']);
  assert.equal(fix.env.PATH, `${nvm}/v20.11.1/bin:${home}/.local/bin:/usr/local/bin:/usr/bin:/bin`);
  assert.equal(fix.env.OTHER, 'x');
});

test('fixPath: NVM_BIN and Homebrew; a command that is nowhere leaves PATH unchanged and lists what was searched', () => {
  const probe = fakeProbe(['/opt/homebrew/bin/uvx'], ['/opt/homebrew/bin', '/custom/nvm/bin']);
  const fix = fixPath('uvx', { PATH: '/usr/bin', NVM_BIN: '/custom/nvm/bin' }, { platform: 'darwin', home: '/Users/me', probe });
  assert.deepEqual(fix.added, ['/custom/nvm/bin', '/opt/homebrew/bin']);
  const none = fixPath('nothing-here', { PATH: '/usr/bin' }, { platform: 'darwin', home: '/Users/me', probe });
  assert.equal(none.resolved, undefined);
  assert.deepEqual(none.added, []);
  assert.deepEqual(none.searched, ['/usr/bin', '/opt/homebrew/bin']);
});

test('fixPath: a command with a path separator is never looked up', () => {
  const probe = fakeProbe([], ['/opt/homebrew/bin']);
  const fix = fixPath('./server.sh', { PATH: '/usr/bin' }, { platform: 'linux', home: '/h', probe });
  assert.deepEqual(fix.added, []);
  assert.equal(fix.resolved, undefined);
});

test('fixPath on Windows: PATHEXT, the "Path" key, and %APPDATA%\\npm', () => {
  const probe = fakeProbe(['C:\\Users\\me\\AppData\\Roaming\\npm\\npx.cmd'], ['C:\\Users\\me\\AppData\\Roaming\\npm']);
  const env = { Path: 'C:\\Windows\\system32', PATHEXT: '.COM;.EXE;.BAT;.CMD', APPDATA: 'C:\\Users\\me\\AppData\\Roaming' };
  assert.equal(pathKey(env, 'win32'), 'Path');
  const fix = fixPath('npx', env, { platform: 'win32', home: 'C:\\Users\\me', probe });
  assert.equal(fix.resolved, 'C:\\Users\\me\\AppData\\Roaming\\npm\\npx.cmd');
  assert.equal(fix.env.Path, 'C:\\Users\\me\\AppData\\Roaming\\npm;C:\\Windows\\system32');
  assert.equal(fix.env.PATH, undefined);
  assert.equal(findOnPath('npx.cmd', ['C:\\Users\\me\\AppData\\Roaming\\npm'], { platform: 'win32', env, probe }), 'C:\\Users\\me\\AppData\\Roaming\\npm\\npx.cmd');
});

test('commonToolDirs only returns folders that exist, and adds the launcher runtime\'s folder last', () => {
  const probe = fakeProbe([], ['/home/me/.volta/bin', '/opt/node/bin']);
  assert.deepEqual(commonToolDirs({ platform: 'linux', home: '/home/me', env: {}, probe, execPath: '/opt/node/bin/node' }), ['/home/me/.volta/bin', '/opt/node/bin']);
  assert.deepEqual(commonToolDirs({ platform: 'linux', home: '/home/me', env: {}, probe, execPath: '/apps/Code' }), ['/home/me/.volta/bin']);
});

// ---------------------------------------------------------------------------------------------
// Windows quoting, exit codes

test('cmd.exe quoting keeps arguments intact through a .cmd shim', () => {
  assert.equal(quoteForCmd('plain', false), '^"plain^"');
  assert.equal(quoteForCmd('a b', false), '^"a b^"');
  assert.equal(quoteForCmd('say "hi"', false), '^"say \\^"hi\\^"^"');
  assert.equal(quoteForCmd('C:\\dir\\', false), '^"C:\\dir\\\\^"');
  assert.equal(quoteForCmd('a&b|c', true), '^^^"a^^^&b^^^|c^^^"');
  const inv = cmdShimInvocation('C:\\npm\\npx.cmd', ['-y', '@scope/pkg'], 'C:\\Windows\\system32\\cmd.exe');
  assert.equal(inv.file, 'C:\\Windows\\system32\\cmd.exe');
  assert.deepEqual(inv.args.slice(0, 3), ['/d', '/s', '/c']);
  assert.equal(inv.args[3], '"^"C:\\npm\\npx.cmd^" ^^^"-y^^^" ^^^"@scope/pkg^^^""');
});

test('exitCodeFor: the code, or 128 + signal number', () => {
  assert.equal(exitCodeFor(0, null), 0);
  assert.equal(exitCodeFor(3, null), 3);
  assert.equal(exitCodeFor(null, 'SIGTERM'), 143);
  assert.equal(exitCodeFor(null, 'SIGINT'), 130);
  assert.equal(exitCodeFor(null, 'SIGKILL'), 137);
});

test('childBaseEnv removes ELECTRON_RUN_AS_NODE only when the installed launcher set it', () => {
  assert.deepEqual(childBaseEnv({ A: '1', ELECTRON_RUN_AS_NODE: '1', MCP_SECURE_RUN_AS_NODE: '1' }), { A: '1' });
  assert.deepEqual(childBaseEnv({ A: '1', ELECTRON_RUN_AS_NODE: '1' }), { A: '1', ELECTRON_RUN_AS_NODE: '1' });
});

// ---------------------------------------------------------------------------------------------
// launch(): real child processes

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mcps-launch-'));
}

function options(overrides: Partial<LaunchOptions> & Pick<LaunchOptions, 'command' | 'args'>, lines: string[]): LaunchOptions {
  return {
    env: { PATH: process.env.PATH },
    platform: process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux',
    home: tmpdir(),
    stderr: (line) => lines.push(line),
    openKeychain: () => {
      throw new Error('the keychain must not be opened');
    },
    stdio: ['ignore', 'ignore', 'ignore'],
    ...overrides,
  };
}

/** A child script that writes sha256 of an env var and of its args to `out`. */
const REPORT = `const c=require('crypto');const h=s=>s===undefined?null:c.createHash('sha256').update(s).digest('hex');require('fs').writeFileSync(process.env.OUT, JSON.stringify({env:h(process.env.SECRET_VAR), args:process.argv.slice(1).map(h), electron: process.env.ELECTRON_RUN_AS_NODE ?? null}))`;

test('launch resolves env and argument references and hands them to the child; exit code 0; nothing on stderr', async () => {
  const dir = tempDir();
  try {
    const out = join(dir, 'out.json');
    const lines: string[] = [];
    const code = await launch(
      options(
        {
          command: process.execPath,
          args: ['-e', REPORT, 'keyring://svc/srv/ARG', '--token=keyring://svc/srv/ARG', 'plain'],
          env: { PATH: process.env.PATH, OUT: out, SECRET_VAR: 'keyring://svc/srv/SECRET_VAR' },
          openKeychain: () => fakeReader({ 'svc/srv/SECRET_VAR': SECRET, 'svc/srv/ARG': OTHER }),
        },
        lines,
      ),
    );
    assert.equal(code, 0, lines.join('\n'));
    assert.deepEqual(lines, []);
    const seen = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(seen.env, sha(SECRET));
    assert.deepEqual(seen.args, [sha(OTHER), sha(`--token=${OTHER}`), sha('plain')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch fails closed: a missing entry → exit 78, the variable and reference on stderr, the child never runs', async () => {
  const dir = tempDir();
  try {
    const marker = join(dir, 'started');
    const lines: string[] = [];
    const code = await launch(
      options(
        {
          command: process.execPath,
          args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`],
          env: { PATH: process.env.PATH, GITHUB_TOKEN: 'keyring://mcp-secure/github/GITHUB_TOKEN', OK: 'keyring://mcp-secure/ok' },
          openKeychain: () => fakeReader({ 'mcp-secure/ok': SECRET }),
        },
        lines,
      ),
    );
    assert.equal(code, EXIT_UNRESOLVED);
    assert.equal(existsSync(marker), false, 'the server must not start');
    assert.ok(lines.every((l) => l.startsWith('mcp-secure run: ')), lines.join('\n'));
    assert.match(lines.join('\n'), /GITHUB_TOKEN refers to keyring:\/\/mcp-secure\/github\/GITHUB_TOKEN/);
    assert.match(lines.at(-1)!, /not starting .*1 keyring reference could not be resolved/);
    assert.doesNotMatch(lines.join('\n'), new RegExp(SECRET));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch: the keychain cannot be opened (native module, no D-Bus) → 78 with cause and fix', async () => {
  const lines: string[] = [];
  const code = await launch(
    options(
      {
        command: process.execPath,
        args: ['-e', ''],
        env: { TOKEN: 'keyring://svc/t' },
        openKeychain: () => {
          throw new KeychainError('no-dbus', 'The OS keychain is not reachable: there is no D-Bus session bus.', 'Run inside a desktop session.');
        },
      },
      lines,
    ),
  );
  assert.equal(code, EXIT_UNRESOLVED);
  assert.match(lines[0]!, /^mcp-secure run: cannot read TOKEN from the OS keychain: The OS keychain is not reachable: .* Run inside a desktop session\.$/);
});

test('launch propagates the exit code, and 128+n when the child dies of a signal', async () => {
  const lines: string[] = [];
  assert.equal(await launch(options({ command: process.execPath, args: ['-e', 'process.exit(7)'] }, lines)), 7);
  assert.equal(await launch(options({ command: process.execPath, args: ['-e', "process.kill(process.pid, 'SIGTERM')"] }, lines)), 143);
  assert.deepEqual(lines, []);
});

test('launch forwards SIGTERM to the child and exits with the child\'s code', async () => {
  const dir = tempDir();
  try {
    const ready = join(dir, 'ready');
    const got = join(dir, 'got');
    const signals = new EventEmitter();
    const script = `process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(got)}, 'SIGTERM'); process.exit(42); }); require('fs').writeFileSync(${JSON.stringify(ready)}, 'x'); setInterval(() => {}, 1000);`;
    const running = launch(options({ command: process.execPath, args: ['-e', script], signals: signals as unknown as SignalSource }, []));
    for (let i = 0; i < 200 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(existsSync(ready), 'child started');
    assert.ok(signals.listenerCount('SIGTERM') > 0);
    signals.emit('SIGTERM');
    assert.equal(await running, 42);
    assert.equal(readFileSync(got, 'utf8'), 'SIGTERM');
    assert.equal(signals.listenerCount('SIGTERM'), 0, 'handlers removed after the child exits');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch: command not found → 127 with the GUI PATH hint; a missing file → 127; not executable → 126; no command → 2', async () => {
  const dir = tempDir();
  try {
    const lines: string[] = [];
    assert.equal(await launch(options({ command: 'mcps-no-such-command', args: [], home: dir, env: { PATH: dir } }, lines)), EXIT_NOT_FOUND);
    assert.match(lines.at(-1)!, /^mcp-secure run: command not found: mcps-no-such-command .*GUI clients start servers with a minimal PATH/);
    assert.equal(await launch(options({ command: join(dir, 'missing.sh'), args: [] }, lines)), EXIT_NOT_FOUND);
    assert.match(lines.at(-1)!, /no such file: /);
    const notExec = join(dir, 'server.sh');
    writeFileSync(notExec, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    if (process.platform !== 'win32') {
      assert.equal(await launch(options({ command: notExec, args: [] }, lines)), EXIT_CANNOT_EXECUTE);
      assert.match(lines.at(-1)!, /permission denied/);
    }
    assert.equal(await launch(options({ command: '', args: [] }, lines)), EXIT_USAGE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch finds a tool the client\'s PATH lacks in ~/.local/bin and gives the child that PATH', { skip: process.platform === 'win32' && 'POSIX shell script' }, async () => {
  const home = tempDir();
  try {
    const bin = join(home, '.local', 'bin');
    mkdirSync(bin, { recursive: true });
    const out = join(home, 'path.txt');
    writeFileSync(join(bin, 'mcps-fake-tool'), `#!/bin/sh\nprintf '%s' "$PATH" > "${out}"\nexit 5\n`);
    chmodSync(join(bin, 'mcps-fake-tool'), 0o755);
    const lines: string[] = [];
    const code = await launch(options({ command: 'mcps-fake-tool', args: [], home, env: { PATH: '/usr/bin:/bin' } }, lines));
    assert.equal(code, 5, lines.join('\n'));
    assert.ok(readFileSync(out, 'utf8').startsWith(`${bin}:`), 'the tool folder is prepended');
    assert.ok(readFileSync(out, 'utf8').endsWith(':/usr/bin:/bin'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('launch without references never opens the keychain and strips the installed launcher\'s ELECTRON_RUN_AS_NODE', async () => {
  const dir = tempDir();
  try {
    const out = join(dir, 'out.json');
    const code = await launch(options({ command: process.execPath, args: ['-e', REPORT], env: { PATH: process.env.PATH, OUT: out, ELECTRON_RUN_AS_NODE: '1', MCP_SECURE_RUN_AS_NODE: '1' } }, []));
    assert.equal(code, 0);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).electron, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
