/**
 * `mcp-secure migrate <config-file>`: moves every plaintext secret of one client config into
 * the OS keychain and rewrites the file to reference it (core/migrate does the work).
 *
 * Exit codes (DESIGN.md): 0 done (or, with --dry-run, something to do), 1 nothing done (no
 * secrets, only skipped servers, declined, or no TTY to confirm on; the reason on stderr),
 * 2 error (unreadable or malformed file, unknown client, keychain unavailable, file changed).
 *
 * Test hooks (read here, never by the core): MCP_SECURE_MIGRATE_TRACE=1 prints each step
 * boundary on stderr (`mcp-secure: step <name>`); MCP_SECURE_FAULT_AT=<step>[:<n>] kills this
 * process with SIGKILL at the n-th (default first) boundary of that name.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { clientLabel } from '../../core/discovery/clients';
import { parseClientConfig } from '../../core/discovery/configParse';
import { currentMachineEnv } from '../../core/discovery/machineEnv';
import { DEFAULT_SERVICE, Keychain, KeychainError, loadKeytar } from '../../core/keychain/keychain';
import { launcherPath } from '../../core/launcher/paths';
import { installLauncher } from '../../core/launcher/install';
import { executeMigration, MigrationError, planMigration, resolveConfigCandidate, type MigrationPlan, type MigrationStep, type MigrationStrategy } from '../../core/migrate';
import type { ClientId } from '../../core/model';
import type { CliIo } from '../main';

const EXIT_DONE = 0;
const EXIT_NOTHING = 1;
const EXIT_ERROR = 2;

/** What migrate needs beyond CliIo; defaults to the process's stdin. */
export interface MigrateIo extends CliIo {
  isTTY?: boolean;
  confirm?: (question: string) => Promise<boolean>;
}

interface MigrateOptions {
  yes?: boolean;
  service: string;
  dryRun?: boolean;
  format: 'text' | 'json';
  client?: ClientId;
  strategy: MigrationStrategy;
  launcher?: string;
}

export function registerMigrateCommand(program: Command, io: MigrateIo, setExitCode: (n: number) => void): void {
  program
    .command('migrate')
    .description('Move the plaintext secrets of one MCP client config into the OS keychain and rewrite the file to reference them')
    .argument('<config-file>', 'the client config to migrate')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--service <name>', 'keychain service to store the values under', DEFAULT_SERVICE)
    .option('--dry-run', 'show what would change; store and write nothing')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--client <id>', 'the client that reads this file, when its path does not tell')
    .addOption(new Option('--strategy <strategy>', 'where values go: the keychain, or VS Code password inputs (VS Code mcp.json only; a copy is also kept in the keychain)').choices(['keychain', 'vscode-input']).default('keychain'))
    .addOption(new Option('--launcher <path>', 'launcher path to write into configs (default: the installed mcp-secure-run)').hideHelp())
    .action(async (file: string, opts: MigrateOptions) => {
      setExitCode(await migrate(path.resolve(io.cwd, file), opts, io));
    });
}

async function migrate(file: string, opts: MigrateOptions, io: MigrateIo): Promise<number> {
  const fail = (message: string, code = EXIT_ERROR) => {
    io.stderr(`mcp-secure migrate: ${message}\n`);
    return code;
  };
  if (!/^[\w.@:+-]+$/.test(opts.service)) return fail(`--service may only hold letters, digits and . _ - @ : +`);

  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return fail(`${file} is not valid UTF-8; refusing to rewrite it`);

  const denv = currentMachineEnv(io.env);
  const candidate = await resolveConfigCandidate(file, {
    denv,
    client: opts.client,
    listDir: (dir) => fs.readdir(dir),
  });
  if (!candidate) return fail(`${file} is not a config file of a known MCP client; name the client with --client <id>`);

  const config = parseClientConfig(text, candidate);
  const errors = config.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    const where = first.range ? `:${first.range.start.line}:${first.range.start.column}` : '';
    return fail(`${file}${where}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}; fix the file first, it was not changed`);
  }

  let keychain: Keychain | undefined;
  let existing = new Set<string>();
  try {
    keychain = new Keychain(loadKeytar(), { service: opts.service });
    existing = new Set((await keychain.list()).map((e) => e.account));
  } catch (error) {
    if (!opts.dryRun) return fail(error instanceof KeychainError ? error.message : String(error));
    keychain = undefined;
  }

  const launcher = opts.launcher ?? launcherPath(denv);
  const plan = planMigration({
    text,
    candidate,
    root: path.dirname(file),
    service: opts.service,
    launcher,
    existingAccounts: existing,
    strategy: opts.strategy,
  });
  // The CLI installs (or updates) the launcher it is about to point configs at, from its own
  // bundle, so a migrated server starts whether or not the VS Code extension ever ran.
  if (plan.changes.length > 0 && !opts.launcher && !opts.dryRun && plan.secrets.length > 0 && isBundled()) {
    try {
      const installed = installLauncher(denv, { sourceDir: __dirname, nodePath: process.execPath });
      if (installed.changed) io.stderr(`mcp-secure: installed the launcher at ${installed.path}\n`);
    } catch (error) {
      return fail(`cannot install the launcher at ${launcher}: ${error instanceof Error ? error.message : String(error)}; nothing was changed`);
    }
  }
  if (plan.changes.length > 0 && !(await exists(launcher))) {
    plan.warnings.push(`the launcher is not installed at ${launcher} yet; the rewritten servers will not start until it is (the VS Code extension installs it).`);
  }

  if (plan.secrets.length === 0) {
    if (opts.format === 'json') io.stdout(JSON.stringify(planToJson(plan, candidate.client, { dryRun: !!opts.dryRun, written: false }), null, 2) + '\n');
    const reasons = plan.skipped.map((s) => `  ${s.serverName === '*' ? 'file' : `server ${s.serverName}`}: ${s.reason}\n`).join('');
    return fail(reasons ? `nothing migrated; skipped:\n${reasons}` : `nothing to migrate in ${file}: no plaintext secrets found`, EXIT_NOTHING);
  }

  if (opts.format === 'text') io.stdout(planToText(plan, file, candidate.client));
  if (opts.dryRun) {
    if (opts.format === 'json') io.stdout(JSON.stringify(planToJson(plan, candidate.client, { dryRun: true, written: false }), null, 2) + '\n');
    else io.stdout('Dry run: nothing was stored or written.\n');
    return EXIT_DONE;
  }

  if (!opts.yes) {
    const tty = io.isTTY ?? (process.stdin.isTTY === true);
    if (!tty && !io.confirm) return fail('not a terminal; pass --yes to migrate without confirmation', EXIT_NOTHING);
    const ok = await (io.confirm ?? askOnStdin)(`Move ${plan.secrets.length} value(s) to the keychain and rewrite ${file}? [y/N] `);
    if (!ok) return fail('declined; nothing was changed', EXIT_NOTHING);
  }

  try {
    const result = await executeMigration(plan, {
      file,
      keychain: keychain!,
      originalText: text,
      candidate,
      onStep: stepHook(io),
    });
    if (opts.format === 'json') io.stdout(JSON.stringify(planToJson(plan, candidate.client, { dryRun: false, written: true }), null, 2) + '\n');
    else io.stdout(`Done: ${result.entries.length} value(s) stored in the keychain (service "${opts.service}"); ${file} rewritten.\n`);
    return EXIT_DONE;
  } catch (error) {
    if (error instanceof KeychainError || error instanceof MigrationError) return fail(error.message);
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

async function askOnStdin(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function stepHook(io: CliIo): (step: MigrationStep, detail?: string) => void {
  const trace = io.env.MCP_SECURE_MIGRATE_TRACE === '1';
  const [faultStep, faultCount] = (io.env.MCP_SECURE_FAULT_AT ?? '').split(':');
  let seen = 0;
  return (step) => {
    if (trace) io.stderr(`mcp-secure: step ${step}\n`);
    if (faultStep && step === faultStep && ++seen >= Number(faultCount || 1)) process.kill(process.pid, 'SIGKILL');
  };
}

// ---------------------------------------------------------------------------------------------
// Output: names, keys, accounts and redacted values only

const SLOT_LABEL: Record<string, string> = { env: 'env', header: 'header', arg: 'argument', url: 'URL' };

function planToText(plan: MigrationPlan, file: string, client: ClientId): string {
  const lines = [`${file} (${clientLabel(client)})`, `Values to move (${plan.strategy === 'vscode-input' ? 'VS Code password inputs, with a copy' : 'keychain service'} "${plan.service}"):`];
  for (const s of plan.secrets) {
    lines.push(`  ${s.serverName}  ${SLOT_LABEL[s.location]} ${s.key}  ${s.redacted}${s.wholeValue ? ' (whole value)' : ''}  →  ${s.reference}${s.storage === 'vscode-input' ? `  (copy: keyring://${plan.service}/${s.account})` : ''}`);
  }
  if (plan.changes.length > 0) {
    lines.push('Launch changes:');
    for (const c of plan.changes) {
      lines.push(c.kind === 'wrap'
        ? `  ${c.serverName}: runs "${c.before}" through ${plan.launcher} -- ${c.before} …`
        : `  ${c.serverName}: remote entry (${c.before}) becomes a stdio bridge: ${plan.launcher} --bridge …`);
    }
  }
  if (plan.warnings.length > 0) lines.push('Notes:', ...plan.warnings.map((w) => `  - ${w}`));
  if (plan.skipped.length > 0) lines.push('Skipped:', ...plan.skipped.map((s) => `  - ${s.serverName === '*' ? 'file' : `server ${s.serverName}`}: ${s.reason}`));
  return lines.join('\n') + '\n';
}

function planToJson(plan: MigrationPlan, client: ClientId, state: { dryRun: boolean; written: boolean }) {
  return {
    file: plan.file,
    client,
    strategy: plan.strategy,
    service: plan.service,
    launcher: plan.launcher,
    dryRun: state.dryRun,
    written: state.written,
    secrets: plan.secrets.map((s) => ({
      server: s.serverName,
      location: s.location,
      key: s.key,
      account: s.account,
      reference: s.reference,
      redacted: s.redacted,
      wholeValue: s.wholeValue,
      line: s.findingRange.start.line,
      column: s.findingRange.start.column,
    })),
    changes: plan.changes,
    warnings: plan.warnings,
    skipped: plan.skipped,
  };
}

/** True when running from the esbuild bundle (dist/), which is what the launcher installs. */
function isBundled(): boolean {
  return ['launcher.js', 'cli.js'].some((name) => existsSync(path.join(__dirname, name))) && existsSync(path.join(__dirname, 'node_modules', 'keytar'));
}
