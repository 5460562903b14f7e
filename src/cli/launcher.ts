/**
 * The installed launcher's entry (bundled to dist/launcher.js, copied to
 * <launcherHome>/lib/<stamp>/ by `mcp-secure launcher install`). A small program with just
 * `run` and `keychain`, so a server starts without loading the scanners.
 *
 *   node launcher.js run -- <command> [args...]
 *   node launcher.js run --bridge <url> [--header "Name: value"]...
 *   node launcher.js -- <command> [args...]          (same as `run --`)
 */
import { Command, CommanderError } from 'commander';
import type { CliIo } from './main';
import { registerRunCommand } from './commands/run';
import { registerKeychainCommand } from './commands/keychain';
import { VERSION } from '../core/version';

export async function runLauncherCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('mcp-secure-run')
    .description('MCP Secure launcher: runs an MCP server with its keyring:// references resolved from the OS keychain.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stderr, writeErr: io.stderr });
  registerRunCommand(program, io, setExitCode);
  registerKeychainCommand(program, io, setExitCode);
  // `mcp-secure-run -- cmd` and `mcp-secure-run --bridge ...` mean `run ...`.
  // The installed script always inserts `run`; a config that says `run` itself gives `run run`.
  const args = argv[0] === '--' || argv[0] === '--bridge' || argv[0] === '--header' ? ['run', ...argv] : argv[0] === 'run' && argv[1] === 'run' ? argv.slice(1) : [...argv];
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr(`mcp-secure run: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

if (require.main === module) {
  runLauncherCli(process.argv.slice(2), {
    // Help and version go to stderr too: stdout belongs to the server's JSON-RPC.
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  }).then(
    (code) => finish(code),
    () => finish(2),
  );
}

/** Sets the exit code; if anything (a keychain connection, a socket) still holds the event loop, exits anyway shortly after. */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 500).unref();
}
