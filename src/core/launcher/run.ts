/**
 * `mcp-secure run -- <command> [args...]`: resolve the keyring:// references in the
 * environment (and the two argument forms), then run the server with stdio inherited and
 * return the exit code the launcher should end with.
 *
 * Exit codes (besides the child's own):
 *   2    usage: no command
 *   78   a reference could not be resolved, or the keychain could not be read (EX_CONFIG);
 *        the server was not started
 *   126  the command exists but cannot be executed
 *   127  the command was not found (also after the PATH fix for GUI clients)
 *   128+n  the child was ended by signal n
 *
 * Nothing here writes to stdout: every line goes to `stderr`, prefixed `mcp-secure run:`, and
 * names variables and references, never a value.
 */
import type { StdioOptions } from 'node:child_process';
import { KeychainError } from '../keychain/keychain';
import { runChild, type SignalSource } from './child';
import { fixPath, fsProbe, hasPathSeparator, type LauncherPlatform, type PathProbe } from './pathFix';
import { needsKeychain, ReferenceResolver, type ResolveProblem, type SecretReader } from './references';

export const EXIT_USAGE = 2;
export const EXIT_UNRESOLVED = 78;
export const EXIT_CANNOT_EXECUTE = 126;
export const EXIT_NOT_FOUND = 127;

export const RUN_PREFIX = 'mcp-secure run:';

/** Set by the installed launcher script next to ELECTRON_RUN_AS_NODE; both are removed from the child's env. */
export const RUN_AS_NODE_MARKER = 'MCP_SECURE_RUN_AS_NODE';

export interface LaunchOptions {
  command: string;
  args: readonly string[];
  /** The environment the client gave the launcher (references unresolved). */
  env: Readonly<Record<string, string | undefined>>;
  platform: LauncherPlatform;
  home: string;
  /** One line per call, without a trailing newline. */
  stderr: (line: string) => void;
  /** Opens the keychain; called only when a reference is present. May throw a KeychainError. */
  openKeychain: () => SecretReader;
  cwd?: string;
  probe?: PathProbe;
  /** The runtime running the launcher (a last-resort folder for node/npx). */
  execPath?: string;
  signals?: SignalSource;
  stdio?: StdioOptions;
}

/** The environment without the launcher's own bookkeeping variables. */
export function childBaseEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  if (out[RUN_AS_NODE_MARKER] !== undefined) {
    delete out[RUN_AS_NODE_MARKER];
    delete out.ELECTRON_RUN_AS_NODE;
  }
  return out;
}

/** Opens the keychain, or reports why not (one line) and returns undefined. */
function openOrReport(options: Pick<LaunchOptions, 'openKeychain' | 'stderr'>, what: string): SecretReader | undefined {
  try {
    return options.openKeychain();
  } catch (error) {
    const e = error instanceof KeychainError ? error : undefined;
    const text = e ? `${e.reason} ${e.fix}` : error instanceof Error ? error.message : String(error);
    options.stderr(`${RUN_PREFIX} cannot read ${what} from the OS keychain: ${text}`);
    return undefined;
  }
}

export function reportProblems(problems: readonly ResolveProblem[], stderr: (line: string) => void, notStarted: string): void {
  for (const problem of problems) stderr(`${RUN_PREFIX} ${problem.message}`);
  stderr(`${RUN_PREFIX} ${notStarted}`);
}

/** Resolves, starts the child, waits for it; returns the launcher's exit code. */
export async function launch(options: LaunchOptions): Promise<number> {
  const { command, stderr } = options;
  if (!command) {
    stderr(`${RUN_PREFIX} no command given. Usage: mcp-secure run -- <command> [args...]`);
    return EXIT_USAGE;
  }
  let env = childBaseEnv(options.env);
  let args = [...options.args];

  if (needsKeychain(env, args)) {
    const names = [
      ...Object.entries(env)
        .filter(([, v]) => v?.startsWith('keyring://'))
        .map(([k]) => k),
      ...(args.some((a) => a.includes('keyring://')) ? ['arguments'] : []),
    ];
    const reader = openOrReport(options, names.join(', '));
    if (!reader) {
      stderr(`${RUN_PREFIX} not starting ${command}: its secrets could not be read.`);
      return EXIT_UNRESOLVED;
    }
    const resolver = new ReferenceResolver(reader);
    const resolvedEnv = await resolver.resolveEnv(env);
    const resolvedArgs = await resolver.resolveArgs(args);
    const problems = await resolver.problems();
    if (problems.length > 0) {
      const count = problems.reduce((n, p) => n + p.sites.length, 0);
      reportProblems(problems, stderr, `not starting ${command}: ${count} keyring reference${count === 1 ? '' : 's'} could not be resolved.`);
      return EXIT_UNRESOLVED;
    }
    env = resolvedEnv;
    args = resolvedArgs;
  }

  const fixed = fixPath(command, env, {
    platform: options.platform,
    home: options.home,
    probe: options.probe ?? fsProbe(options.platform),
    execPath: options.execPath,
  });
  if (fixed.added.length > 0 && options.env.MCP_SECURE_DEBUG) {
    stderr(`${RUN_PREFIX} ${command} is not on the PATH this client gave; found ${fixed.resolved}; added ${fixed.added.join(', ')} to PATH.`);
  }

  const outcome = await runChild(
    { command, args, env: fixed.env, platform: options.platform, resolved: fixed.resolved, cwd: options.cwd, stdio: options.stdio },
    options.signals,
  );
  if (outcome.kind === 'exit') return outcome.code;

  if (outcome.errno === 'ENOENT') {
    if (hasPathSeparator(command, options.platform)) {
      stderr(`${RUN_PREFIX} no such file: ${command}. Fix the path in the config (it must be absolute or relative to the folder the client starts servers in).`);
    } else {
      const shellHint = options.platform === 'win32' ? `where ${command}` : `command -v ${command}`;
      stderr(
        `${RUN_PREFIX} command not found: ${command} (searched PATH and ${fixed.searched.length} folder${fixed.searched.length === 1 ? '' : 's'}). ` +
          `GUI clients start servers with a minimal PATH: install ${command}, or write its absolute path in the config (run \`${shellHint}\` in a terminal to find it).`,
      );
    }
    return EXIT_NOT_FOUND;
  }
  if (outcome.errno === 'EACCES' || outcome.errno === 'EPERM') {
    stderr(`${RUN_PREFIX} permission denied: ${command} cannot be executed (${outcome.errno}). Make it executable (chmod +x) or run it through its interpreter.`);
    return EXIT_CANNOT_EXECUTE;
  }
  stderr(`${RUN_PREFIX} could not start ${command}: ${outcome.errno} ${outcome.message}`);
  return EXIT_CANNOT_EXECUTE;
}
