/**
 * `mcp-secure keychain list|get|set|delete`: the entries MCP Secure keeps in the OS keychain.
 *
 *   keychain list [--service NAME] [--format text|json]     accounts and references only
 *   keychain get <account|ref> [--service NAME] [--reveal]  exists? + redacted form; --reveal
 *                                                          prints the value (and nothing else)
 *   keychain set <account|ref> [--service NAME]             stores the value read from stdin
 *   keychain delete <account|ref> [--service NAME] --yes [--force]
 *
 * Exit codes: 0 ok; 1 not found; 2 keychain error (cause and fix on stderr) or usage error.
 * `get --reveal` is the only command that ever prints a value.
 */
import { Command, Option } from 'commander';
import type { CliIo } from '../main';
import { DEFAULT_SERVICE, Keychain, KeychainError, keyringReference, loadKeytar, parseKeyringReference, type KeytarLike } from '../../core/keychain/keychain';
import { redactSecret } from '../../core/secrets/messages';

export const KEYCHAIN_EXIT_OK = 0;
export const KEYCHAIN_EXIT_NOT_FOUND = 1;
export const KEYCHAIN_EXIT_ERROR = 2;

export interface KeychainCommandDeps {
  keytar?: () => KeytarLike;
  /** The whole of stdin, for `set` (default: process.stdin). */
  readStdin?: () => Promise<string>;
  /**
   * Config files that still reference an entry. When given and non-empty, `delete` refuses
   * unless --force.
   */
  findReferences?: (reference: string) => Promise<string[]>;
}

const PREFIX = 'mcp-secure keychain:';

/** `keyring://svc/acct` → (svc, acct); a bare account → (--service or the default, account). */
export function entryFromArg(arg: string, service: string | undefined): { service: string; account: string } | undefined {
  if (arg.startsWith('keyring://')) {
    let parsed: { service: string; account: string } | undefined;
    try {
      parsed = parseKeyringReference(arg);
    } catch {
      parsed = undefined;
    }
    if (!parsed) return undefined;
    return parsed;
  }
  return arg.length > 0 ? { service: service ?? DEFAULT_SERVICE, account: arg } : undefined;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function registerKeychainCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, deps: KeychainCommandDeps = {}): Command {
  const open = (): Keychain => new Keychain((deps.keytar ?? loadKeytar)());
  const fail = (error: unknown) => {
    if (error instanceof KeychainError) io.stderr(`${PREFIX} ${error.reason} ${error.fix}\n`);
    else io.stderr(`${PREFIX} ${error instanceof Error ? error.message : String(error)}\n`);
    setExitCode(KEYCHAIN_EXIT_ERROR);
  };
  const target = (arg: string, service: string | undefined) => {
    const entry = entryFromArg(arg, service);
    if (!entry) {
      io.stderr(`${PREFIX} not an account name or a keyring://<service>/<account> reference: ${JSON.stringify(arg.slice(0, 120))}\n`);
      setExitCode(KEYCHAIN_EXIT_ERROR);
    }
    return entry;
  };

  const keychain = program.command('keychain').description('List, inspect, store and delete the entries MCP Secure keeps in the OS keychain');

  keychain
    .command('list')
    .description('List stored entries (account names and keyring:// references; never values)')
    .option('--service <name>', 'keychain service', DEFAULT_SERVICE)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { service: string; format: 'text' | 'json' }) => {
      try {
        const entries = await open().list(opts.service);
        if (opts.format === 'json') {
          io.stdout(JSON.stringify({ service: opts.service, entries }, null, 2) + '\n');
        } else if (entries.length === 0) {
          io.stderr(`${PREFIX} no entries under service "${opts.service}".\n`);
        } else {
          const width = Math.max(...entries.map((e) => e.account.length));
          for (const entry of entries) io.stdout(`${entry.account.padEnd(width)}  ${entry.reference}\n`);
        }
        setExitCode(KEYCHAIN_EXIT_OK);
      } catch (error) {
        fail(error);
      }
    });

  keychain
    .command('get')
    .description('Tell whether an entry exists (with a redacted form); --reveal prints its value to stdout')
    .argument('<entry>', 'account name, or keyring://<service>/<account>')
    .option('--service <name>', `keychain service for a bare account name (default ${DEFAULT_SERVICE})`)
    .option('--reveal', 'print the value itself (nothing else) to stdout')
    .action(async (arg: string, opts: { service?: string; reveal?: boolean }) => {
      const entry = target(arg, opts.service);
      if (!entry) return;
      const reference = keyringReference(entry.service, entry.account);
      try {
        const value = await open().get(entry.account, entry.service);
        if (value === null) {
          io.stderr(`${PREFIX} ${reference} is not stored. See \`mcp-secure keychain list --service ${entry.service}\`.\n`);
          setExitCode(KEYCHAIN_EXIT_NOT_FOUND);
          return;
        }
        if (opts.reveal) io.stdout(value);
        else io.stdout(`${reference}: stored (${redactSecret(value)}). Use --reveal to print the value.\n`);
        setExitCode(KEYCHAIN_EXIT_OK);
      } catch (error) {
        fail(error);
      }
    });

  keychain
    .command('set')
    .description('Store a value read from stdin (never from the command line) and print its reference')
    .argument('<entry>', 'account name, or keyring://<service>/<account>')
    .option('--service <name>', `keychain service for a bare account name (default ${DEFAULT_SERVICE})`)
    .action(async (arg: string, opts: { service?: string }) => {
      const entry = target(arg, opts.service);
      if (!entry) return;
      try {
        const raw = await (deps.readStdin ?? readAllStdin)();
        const value = raw.replace(/\r?\n$/, '');
        if (value.length === 0) {
          io.stderr(`${PREFIX} nothing on stdin: pipe the value in, e.g. \`printf %s "$TOKEN" | mcp-secure keychain set ${arg}\`.\n`);
          setExitCode(KEYCHAIN_EXIT_ERROR);
          return;
        }
        const stored = await open().setVerified(entry.account, value, entry.service);
        io.stdout(`${stored.reference}\n`);
        setExitCode(KEYCHAIN_EXIT_OK);
      } catch (error) {
        fail(error);
      }
    });

  keychain
    .command('delete')
    .description('Delete an entry (servers whose configs still reference it will no longer start)')
    .argument('<entry>', 'account name, or keyring://<service>/<account>')
    .option('--service <name>', `keychain service for a bare account name (default ${DEFAULT_SERVICE})`)
    .option('--yes', 'confirm the deletion')
    .option('--force', 'delete even when configs still reference the entry')
    .action(async (arg: string, opts: { service?: string; yes?: boolean; force?: boolean }) => {
      const entry = target(arg, opts.service);
      if (!entry) return;
      const reference = keyringReference(entry.service, entry.account);
      try {
        const users = deps.findReferences ? await deps.findReferences(reference) : [];
        if (users.length > 0 && !opts.force) {
          io.stderr(`${PREFIX} ${reference} is still referenced by ${users.join(', ')}; those servers would fail to start. Re-run with --force to delete anyway.\n`);
          setExitCode(KEYCHAIN_EXIT_ERROR);
          return;
        }
        if (!opts.yes) {
          io.stderr(`${PREFIX} this deletes ${reference}; any config that still references it will fail to start its server. Re-run with --yes to confirm.\n`);
          setExitCode(KEYCHAIN_EXIT_ERROR);
          return;
        }
        const deleted = await open().delete(entry.account, entry.service);
        if (!deleted) {
          io.stderr(`${PREFIX} ${reference} is not stored.\n`);
          setExitCode(KEYCHAIN_EXIT_NOT_FOUND);
          return;
        }
        io.stdout(`deleted ${reference}\n`);
        io.stderr(`${PREFIX} configs that still reference ${reference} will fail to start their server until it is stored again.\n`);
        setExitCode(KEYCHAIN_EXIT_OK);
      } catch (error) {
        fail(error);
      }
    });
  return keychain;
}
