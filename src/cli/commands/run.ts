/**
 * `mcp-secure run` (the launcher) and `mcp-secure launcher install|path|status`.
 *
 *   mcp-secure run -- <command> [args...]
 *   mcp-secure run --bridge <url> [--header "Name: value"]...
 *
 * The launcher writes nothing to stdout (that is the server's JSON-RPC channel); every
 * problem is one stderr line prefixed `mcp-secure run:`.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Command, Option } from 'commander';
import type { CliIo } from '../main';
import { Keychain, loadKeytar, type KeytarLike } from '../../core/keychain/keychain';
import { launch, EXIT_USAGE, RUN_PREFIX } from '../../core/launcher/run';
import type { HeaderArg } from '../../core/launcher/bridge';
import type { SignalSource } from '../../core/launcher/child';
import type { LauncherPlatform, PathProbe } from '../../core/launcher/pathFix';
import type { SecretReader } from '../../core/launcher/references';
import { installLauncher, launcherStatus, LauncherInstallError } from '../../core/launcher/install';
import { launcherPath } from '../../core/launcher/paths';
import { currentMachineEnv } from '../../core/discovery/machineEnv';

/** What tests (and other hosts) may replace; everything defaults to the real machine. */
export interface RunCommandDeps {
  keytar?: () => KeytarLike;
  platform?: LauncherPlatform;
  home?: string;
  execPath?: string;
  signals?: SignalSource;
  stdio?: StdioOptions;
  probe?: PathProbe;
  /** The bridge's client side (default process.stdin / process.stdout). */
  stdin?: Readable;
  stdout?: Writable;
}

function hostPlatform(): LauncherPlatform {
  return process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux';
}

function keychainOpener(deps: RunCommandDeps): () => SecretReader {
  return () => {
    // Long enough for a macOS "allow access" prompt to be answered; short of clients' own start timeouts.
    const keychain = new Keychain((deps.keytar ?? loadKeytar)(), { timeoutMs: 30_000 });
    return (account, service) => keychain.get(account, service);
  };
}

function lines(io: CliIo): (line: string) => void {
  return (line) => io.stderr(`${line}\n`);
}

/**
 * Registers `run`. Turns on positional options for the program, so that everything after
 * `run`'s command operand (and after `--`) reaches the server untouched.
 */
export function registerRunCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, deps: RunCommandDeps = {}): Command {
  program.enablePositionalOptions();
  return program
    .command('run')
    .description('Launcher: resolve keyring:// references in the environment from the OS keychain, then run the MCP server (stdio inherited); or bridge stdio to a remote Streamable HTTP server')
    .usage('[--bridge <url> [--header "Name: value"]...] -- <command> [args...]')
    .option('--bridge <url>', 'instead of a command: bridge stdio to this Streamable HTTP MCP endpoint (may be a keyring:// reference)')
    .option('--header <header>', 'with --bridge: "Name: value" to send (repeatable); value may be keyring://… or "Bearer keyring://…"', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .argument('[command...]', 'the server command and its arguments (after --)')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
Environment variables whose whole value is keyring://<service>/<account> are resolved from
the OS keychain and passed to the server in its environment. Arguments that are a reference,
or --flag=<reference>, are resolved too (the value is then visible in the process list).

Exit codes: the server's own; 2 usage; 78 a reference could not be resolved (the server was
not started); 126 the command cannot be executed; 127 command not found; 128+n killed by signal n.`,
    )
    .action(async (commandArgs: string[], options: { bridge?: string; header?: string[] }) => {
      const opts = { bridge: options.bridge, header: options.header ?? [] };
      const platform = deps.platform ?? hostPlatform();
      const stderr = lines(io);
      const openKeychain = keychainOpener(deps);
      if (opts.bridge !== undefined) {
        if (commandArgs.length > 0) {
          stderr(`${RUN_PREFIX} --bridge and a command cannot be combined: the bridge is the server.`);
          setExitCode(EXIT_USAGE);
          return;
        }
        // The bridge (MCP SDK transports) is loaded only for --bridge: the launcher starts servers without it.
        const { parseHeaderArg, runBridge } = require('../../core/launcher/bridge') as typeof import('../../core/launcher/bridge');
        const headers: HeaderArg[] = [];
        for (const text of opts.header) {
          const header = parseHeaderArg(text);
          if (!header) {
            // The text may hold a secret: name only what is wrong.
            stderr(`${RUN_PREFIX} a --header argument is not of the form "Name: value".`);
            setExitCode(EXIT_USAGE);
            return;
          }
          headers.push(header);
        }
        setExitCode(await runBridge({ url: opts.bridge, headers, stderr, openKeychain, stdin: deps.stdin, stdout: deps.stdout, signals: deps.signals }));
        return;
      }
      if (opts.header.length > 0) {
        stderr(`${RUN_PREFIX} --header is only used with --bridge.`);
        setExitCode(EXIT_USAGE);
        return;
      }
      const [command = '', ...args] = commandArgs;
      setExitCode(
        await launch({
          command,
          args,
          env: io.env,
          platform,
          home: deps.home ?? io.env.HOME ?? io.env.USERPROFILE ?? os.homedir(),
          stderr,
          openKeychain,
          cwd: io.cwd,
          probe: deps.probe,
          execPath: deps.execPath ?? process.execPath,
          signals: deps.signals,
          stdio: deps.stdio,
        }),
      );
    });
}

/**
 * Registers `launcher install|path|status`: puts the launcher at its stable per-user path
 * (the path wrapped config entries name as `command`).
 */
export function registerLauncherCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): Command {
  const launcher = program.command('launcher').description('Install the launcher at its stable path, or show where it is');

  launcher
    .command('install')
    .description('Install or update the launcher (idempotent); prints its path')
    .option('--node <path>', 'the runtime the launcher runs on (default: the one running this command)')
    .option('--source <dir>', 'the folder holding launcher.js (or cli.js) and node_modules/keytar (default: this program\'s folder)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { node?: string; source?: string; format: 'text' | 'json' }) => {
      const denv = currentMachineEnv(io.env);
      try {
        const result = installLauncher(denv, {
          sourceDir: path.resolve(io.cwd, opts.source ?? __dirname),
          nodePath: opts.node ? path.resolve(io.cwd, opts.node) : process.execPath,
        });
        if (opts.format === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
        else io.stdout(`${result.path}\n`);
        if (opts.format === 'text') io.stderr(`mcp-secure launcher: ${result.changed ? 'installed' : 'already up to date:'} ${result.stamp} (runtime ${result.nodePath})\n`);
        setExitCode(0);
      } catch (error) {
        io.stderr(`mcp-secure launcher: ${error instanceof LauncherInstallError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
        setExitCode(2);
      }
    });

  launcher
    .command('path')
    .description('Print the stable launcher path (whether or not it is installed)')
    .action(() => {
      io.stdout(`${launcherPath(currentMachineEnv(io.env))}\n`);
      setExitCode(0);
    });

  launcher
    .command('status')
    .description('Show whether the launcher is installed and usable (exit 1 when not)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      const status = launcherStatus(currentMachineEnv(io.env));
      const ok = status.installed && status.problems.length === 0;
      if (opts.format === 'json') {
        io.stdout(JSON.stringify({ ...status, ok }, null, 2) + '\n');
      } else {
        io.stdout(`${status.path}\n`);
        if (!status.installed) io.stdout('  not installed (run `mcp-secure launcher install`)\n');
        else {
          if (status.stamp) io.stdout(`  version ${status.stamp.stamp}, runtime ${status.stamp.nodePath}\n`);
          for (const problem of status.problems) io.stdout(`  problem: ${problem}\n`);
        }
      }
      setExitCode(ok ? 0 : 1);
    });
  return launcher;
}
