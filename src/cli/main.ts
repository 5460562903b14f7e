/**
 * The `mcp-secure` command. Thin: parses arguments, calls the core, prints, and returns an
 * exit code. Only this file's entry point calls process.exit.
 */
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { discover } from '../core/discovery/discover';
import { discoveryToJson, discoveryToText } from '../core/report/discovery';
import { scanToJson, scanToText } from '../core/report/findings';
import { scanWorkspace, hasErrors, type ScanResult } from '../core/scan/scan';
import { scanToSarif } from '../core/report/sarif';
import { registerKeychainCommand } from './commands/keychain';
import { registerMigrateCommand } from './commands/migrate';
import { registerMatrixCommand } from './commands/matrix';
import { registerLauncherCommand, registerRunCommand } from './commands/run';
import { findKeyringReferences } from '../core/keychain/references';
import { currentMachineEnv } from '../core/discovery/machineEnv';
import { VERSION } from '../core/version';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command()
    .name('mcp-secure')
    .description('Find MCP servers and client configs, and keep their secrets and tools safe.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('discover')
    .description('List MCP server projects (with their tools and transports) and MCP client configs under a folder')
    .argument('[dir]', 'folder to scan', '.')
    .option('--user', "also read this machine's user-level and managed client configs")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--exclude <pattern...>', 'extra gitignore-style patterns to skip')
    .option('--max-file-size <kb>', 'skip source files larger than this (KB)', (v) => parsePositiveInt(v, '--max-file-size'), 1024)
    .action(async (dir: string, opts: { user?: boolean; format: 'text' | 'json'; exclude?: string[]; maxFileSize: number }) => {
      const root = path.resolve(io.cwd, dir);
      const result = await discover({
        root,
        includeUser: opts.user === true,
        env: currentMachineEnv(io.env),
        exclude: opts.exclude,
        maxFileBytes: opts.maxFileSize * 1024,
      });
      io.stdout(opts.format === 'json' ? JSON.stringify(discoveryToJson(result), null, 2) + '\n' : discoveryToText(result));
      exitCode = EXIT_OK;
    });

  program
    .command('scan')
    .description('Report plaintext secrets (client configs, .env files, server source) and malformed configs')
    .argument('[paths...]', 'folders to scan', ['.'])
    .option('--user', "also scan this machine's user-level and managed client configs")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--exclude <pattern...>', 'extra gitignore-style patterns to skip')
    .option('--no-git', 'do not check whether secrets are tracked by or committed to git')
    .option('--max-file-size <kb>', 'skip files larger than this (KB)', (v) => parsePositiveInt(v, '--max-file-size'), 1024)
    .option('--all-files', 'also read every other file for secrets (docs, scripts, notebooks...), not only MCP configs, .env files and server sources')
    .option('--no-ignore', 'also enter dependency and build folders (node_modules, dist, virtualenvs...) and disregard .gitignore')
    .action(async (paths: string[], opts: { user?: boolean; format: 'text' | 'json' | 'sarif'; exclude?: string[]; git: boolean; maxFileSize: number; allFiles?: boolean; ignore: boolean }) => {
      const results: ScanResult[] = [];
      for (const [index, dir] of paths.entries()) {
        results.push(
          await scanWorkspace({
            root: path.resolve(io.cwd, dir),
            includeUser: opts.user === true && index === 0,
            env: currentMachineEnv(io.env),
            exclude: opts.exclude,
            maxFileBytes: opts.maxFileSize * 1024,
            git: opts.git ? {} : false,
            allFiles: opts.allFiles === true,
            noIgnore: !opts.ignore,
          }),
        );
      }
      if (opts.format === 'json') {
        const merged = results.map(scanToJson);
        const one = merged.length === 1 ? merged[0]! : { findings: merged.flatMap((m) => m.findings), suppressed: merged.reduce((n, m) => n + m.suppressed, 0), problems: merged.flatMap((m) => m.problems) };
        io.stdout(JSON.stringify(one, null, 2) + '\n');
      } else if (opts.format === 'sarif') {
        io.stdout(JSON.stringify(scanToSarif(results, { version: VERSION }), null, 2) + '\n');
      } else {
        io.stdout(results.map(scanToText).join('\n'));
      }
      exitCode = results.some((r) => hasErrors(r.findings)) ? EXIT_FINDINGS : EXIT_OK;
    });

  const setExitCode = (code: number) => {
    exitCode = code;
  };
  registerMigrateCommand(program, { ...io, isTTY: process.stdin.isTTY === true }, setExitCode);
  registerRunCommand(program, io, setExitCode);
  registerMatrixCommand(program, io, setExitCode);
  registerLauncherCommand(program, io, setExitCode);
  registerKeychainCommand(program, io, setExitCode, {
    // Before deleting an entry: which configs (this folder's and the user's) still use it?
    findReferences: async (reference) => {
      const found = await discover({ root: io.cwd, includeUser: true, env: currentMachineEnv(io.env) });
      return findKeyringReferences(found.configs)
        .filter((site) => `keyring://${site.service}/${site.account}` === reference)
        .map((site) => `${site.file} (${site.server} · ${site.key})`);
    },
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    io.stderr(`mcp-secure: ${error instanceof UsageError ? error.message : describeError(error)}\n`);
    return EXIT_ERROR;
  }
}

export class UsageError extends Error {}

function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} expects a positive whole number, got "${value}"`);
  return n;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `no such file or folder: ${(error as NodeJS.ErrnoException).path ?? error.message}`;
    if (code === 'EACCES') return `permission denied: ${(error as NodeJS.ErrnoException).path ?? error.message}`;
    return error.message;
  }
  return String(error);
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mcp-secure: internal error: ${describeError(error)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
