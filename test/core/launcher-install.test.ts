// Installing the launcher at its stable path: the script it writes (POSIX and Windows), mode
// 755, idempotence, versioned lib folders with atomic replacement and pruning, status, and
// running the installed script as a client would (absolute path, minimal environment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiscoveryEnv } from '../../src/core/discovery/clients';
import { installLauncher, launcherScript, launcherStatus, isPlainNode, LauncherInstallError } from '../../src/core/launcher/install';
import { launcherPath } from '../../src/core/launcher/paths';
import { Command, CommanderError } from 'commander';
import { registerLauncherCommand } from '../../src/cli/commands/run';

const posix = process.platform !== 'win32';

/** A fake runtime: launcher.js writes its argv and two env flags to $OUT; a fake keytar. */
function sourceDir(root: string, marker = 'v1'): string {
  const dir = join(root, 'src-dist');
  mkdirSync(join(dir, 'node_modules', 'keytar', 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'keytar', 'package.json'), '{"name":"keytar","main":"lib/keytar.js"}');
  writeFileSync(join(dir, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'), 'binary');
  writeFileSync(
    join(dir, 'launcher.js'),
    `// ${marker}\nrequire('fs').writeFileSync(process.env.OUT, JSON.stringify({ argv: process.argv.slice(2), electron: process.env.ELECTRON_RUN_AS_NODE ?? null, marker: process.env.MCP_SECURE_RUN_AS_NODE ?? null, dir: __dirname }));\n`,
  );
  return dir;
}

function denvFor(root: string): DiscoveryEnv {
  return { platform: 'linux', home: join(root, 'home'), env: { XDG_DATA_HOME: join(root, 'data') } };
}

test('isPlainNode', () => {
  assert.equal(isPlainNode('/usr/bin/node'), true);
  assert.equal(isPlainNode('C:\\Program Files\\nodejs\\node.exe'), true);
  assert.equal(isPlainNode('/Applications/Visual Studio Code.app/Contents/MacOS/Electron'), false);
  assert.equal(isPlainNode('/usr/share/code/code'), false);
});

test('the POSIX script quotes paths with spaces and quotes, and exports ELECTRON_RUN_AS_NODE only for Electron', () => {
  const node = launcherScript('darwin', "/Users/o'neil/.nvm/bin/node", '/Users/o\'neil/Library/Application Support/mcp-secure/lib/s/launcher.js', '0.1.0-abc');
  assert.match(node, /^#!\/bin\/sh\n/);
  assert.match(node, /^node='\/Users\/o'\\''neil\/\.nvm\/bin\/node'$/m);
  assert.match(node, /^exec "\$node" '\/Users\/o'\\''neil\/Library\/Application Support\/mcp-secure\/lib\/s\/launcher\.js' run "\$@"$/m);
  assert.doesNotMatch(node, /ELECTRON_RUN_AS_NODE/);
  const electron = launcherScript('darwin', '/Applications/Visual Studio Code.app/Contents/MacOS/Electron', '/x/launcher.js', 's');
  assert.match(electron, /^ELECTRON_RUN_AS_NODE=1\nexport ELECTRON_RUN_AS_NODE$/m);
  if (posix) {
    const syntax = spawnSync('sh', ['-n'], { input: electron });
    assert.equal(syntax.status, 0, syntax.stderr?.toString());
  }
});

test('the Windows script is a .cmd with CRLF, %% escaping and %* forwarding', () => {
  const text = launcherScript('win32', 'C:\\Program Files\\Microsoft VS Code\\Code.exe', 'C:\\Users\\me\\AppData\\Local\\mcp-secure\\lib\\s\\launcher.js', 's');
  assert.ok(text.startsWith('@echo off\r\n'));
  assert.ok(text.includes('set "ELECTRON_RUN_AS_NODE=1"\r\n'));
  assert.ok(text.includes('"C:\\Program Files\\Microsoft VS Code\\Code.exe" "C:\\Users\\me\\AppData\\Local\\mcp-secure\\lib\\s\\launcher.js" run %*\r\n'));
  assert.ok(text.includes('exit /b 78'));
  assert.ok(launcherScript('win32', 'C:\\100%\\node.exe', 'C:\\l.js', 's').includes('"C:\\100%%\\node.exe"'));
});

test('installLauncher writes an executable script at launcherPath and is idempotent', { skip: !posix && 'POSIX modes' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mcps-install-'));
  try {
    const denv = denvFor(root);
    const source = sourceDir(root);
    const first = installLauncher(denv, { sourceDir: source, nodePath: process.execPath, version: '9.9.9' });
    assert.equal(first.changed, true);
    assert.equal(first.path, launcherPath(denv));
    assert.equal(first.path, join(root, 'data', 'mcp-secure', 'bin', 'mcp-secure-run'));
    assert.match(first.stamp, /^9\.9\.9-[0-9a-f]{12}$/);
    assert.equal(statSync(first.path).mode & 0o777, 0o755);
    assert.ok(existsSync(join(first.libDir, 'launcher.js')));
    assert.ok(existsSync(join(first.libDir, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node')));
    const status = launcherStatus(denv);
    assert.equal(status.installed, true);
    assert.deepEqual(status.problems, []);
    assert.equal(status.stamp?.stamp, first.stamp);

    const mtime = statSync(first.path).mtimeMs;
    const second = installLauncher(denv, { sourceDir: source, nodePath: process.execPath, version: '9.9.9' });
    assert.equal(second.changed, false);
    assert.equal(second.stamp, first.stamp);
    assert.equal(statSync(first.path).mtimeMs, mtime, 'nothing rewritten');

    // A broken install (script deleted) is repaired by the same call.
    rmSync(first.path);
    assert.equal(installLauncher(denv, { sourceDir: source, nodePath: process.execPath, version: '9.9.9' }).changed, true);
    assert.ok(existsSync(first.path));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an update gets a new lib folder; the previous one is kept, older ones are pruned; no temp files are left', { skip: !posix && 'POSIX modes' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mcps-install-'));
  try {
    const denv = denvFor(root);
    const stamps: string[] = [];
    for (const marker of ['v1', 'v2', 'v3']) {
      rmSync(join(root, 'src-dist'), { recursive: true, force: true });
      const result = installLauncher(denv, { sourceDir: sourceDir(root, marker), nodePath: process.execPath, version: '1.0.0' });
      assert.equal(result.changed, true);
      stamps.push(result.stamp);
    }
    assert.equal(new Set(stamps).size, 3);
    const libs = readdirSync(join(root, 'data', 'mcp-secure', 'lib')).sort();
    assert.deepEqual(libs, [stamps[1], stamps[2]].sort());
    assert.match(readFileSync(launcherPath(denv), 'utf8'), new RegExp(stamps[2]!.replace(/\./g, '\\.')));
    const leftovers = [...readdirSync(join(root, 'data', 'mcp-secure')), ...readdirSync(join(root, 'data', 'mcp-secure', 'bin'))].filter((n) => n.includes('.tmp-'));
    assert.deepEqual(leftovers, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the installed script runs the runtime with `run` and the client\'s arguments, from a minimal environment', { skip: !posix && 'POSIX shell' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mcps-install-'));
  try {
    const denv = denvFor(root);
    const out = join(root, 'out.json');
    const { path: script, libDir } = installLauncher(denv, { sourceDir: sourceDir(root), nodePath: process.execPath });
    const run = spawnSync(script, ['--', 'npx', '-y', 'some server', '--flag=a b'], { env: { OUT: out, PATH: '/nonexistent' }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const seen = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(seen.argv, ['run', '--', 'npx', '-y', 'some server', '--flag=a b']);
    assert.equal(seen.electron, null);
    assert.equal(seen.marker, '1');
    assert.equal(seen.dir, libDir);

    // An Electron-like runtime (any name but node) gets ELECTRON_RUN_AS_NODE=1.
    const electron = join(root, 'Electron');
    symlinkSync(process.execPath, electron);
    const { path: script2 } = installLauncher(denv, { sourceDir: join(root, 'src-dist'), nodePath: electron });
    const run2 = spawnSync(script2, ['--', 'x'], { env: { OUT: out, PATH: '/nonexistent' }, encoding: 'utf8' });
    assert.equal(run2.status, 0, run2.stderr);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).electron, '1');

    // The runtime disappears (VS Code moved, node uninstalled): a clear failure, exit 78.
    rmSync(electron);
    const run3 = spawnSync(script2, ['--', 'x'], { env: { OUT: out, PATH: '/nonexistent' }, encoding: 'utf8' });
    assert.equal(run3.status, 78);
    assert.match(run3.stderr, /^mcp-secure run: the runtime this launcher was installed with is gone .*mcp-secure launcher install/);
    assert.equal(run3.stdout, '');
    assert.match(launcherStatus(denv).problems.join('\n'), /no longer exists/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('installLauncher refuses a relative runtime path and a source without the runtime', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcps-install-'));
  try {
    const denv = denvFor(root);
    assert.throws(() => installLauncher(denv, { sourceDir: sourceDir(root), nodePath: 'node' }), LauncherInstallError);
    assert.throws(() => installLauncher(denv, { sourceDir: join(root, 'empty'), nodePath: process.execPath }), /launcher runtime is missing.*npm run build/);
    assert.equal(launcherStatus(denv).installed, false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('CLI: launcher path | install | status', { skip: process.platform !== 'linux' && 'paths below are the Linux layout' }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'mcps-install-cli-'));
  try {
    const env = { HOME: join(root, 'home'), XDG_DATA_HOME: join(root, 'data') };
    const cli = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      let code = -1;
      const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), cwd: root, env };
      const program = new Command().exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
      registerLauncherCommand(program, io, (c: number) => (code = c));
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        code = 2;
      }
      return { code, stdout, stderr };
    };
    const expected = join(root, 'data', 'mcp-secure', 'bin', 'mcp-secure-run');
    assert.deepEqual(await cli(['launcher', 'path']), { code: 0, stdout: `${expected}\n`, stderr: '' });
    const before = await cli(['launcher', 'status']);
    assert.equal(before.code, 1);
    assert.match(before.stdout, /not installed/);
    const source = sourceDir(root);
    const install = await cli(['launcher', 'install', '--source', source, '--node', process.execPath, '--format', 'json']);
    assert.equal(install.code, 0, install.stderr);
    const result = JSON.parse(install.stdout);
    assert.equal(result.path, expected);
    assert.equal(result.changed, true);
    const again = await cli(['launcher', 'install', '--source', source, '--node', process.execPath]);
    assert.equal(again.stdout, `${expected}\n`);
    assert.match(again.stderr, /already up to date/);
    const status = await cli(['launcher', 'status', '--format', 'json']);
    assert.equal(status.code, 0);
    assert.equal(JSON.parse(status.stdout).ok, true);
    const missing = await cli(['launcher', 'install', '--source', join(root, 'nowhere')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^mcp-secure launcher: The launcher runtime is missing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
