/**
 * executeMigration: carries out a plan. The order of steps is the safety contract:
 *
 *   1. keychain   store every value and read it back (Keychain.setVerified)
 *   2. reread     the file must still be byte-for-byte what was planned from
 *   3. verify     the rewritten text parses, has the same servers, no migrated value, every reference
 *   4. write      temp file in the same folder, fsync, rename over the original
 *   5. check      the file now reads back as the rewritten text
 *
 * Any failure before 4 leaves the file untouched, so each value is still in the file; after 4
 * the file references the keychain, which holds each value (verified in 1).
 *
 * Keychain entries written by a run that then fails: when the file is known to be untouched
 * and unchanged (a keychain error on a later value, a verification or write failure), they are
 * deleted again — the file still holds every value and the accounts were new. When the file
 * changed under us they are kept and listed in the error: we cannot tell what the file holds now.
 */
import { promises as fs } from 'node:fs';
import type { ConfigCandidate } from '../discovery/configParse';
import { KeychainError, type Keychain, type KeychainEntry } from '../keychain/keychain';
import { writeFileAtomic, type WriteStep } from './atomicWrite';
import { applyEdits } from './syntax';
import type { MigrationPlan } from './types';
import { verifyMigratedText } from './verify';

export type MigrationStep = 'keychain-write' | 'keychain-done' | 'reread' | 'verified' | WriteStep | 'checked';

/** Every step boundary, in order (the fault-injection test kills the process at each). */
export const MIGRATION_STEPS: readonly MigrationStep[] = ['keychain-write', 'keychain-done', 'reread', 'verified', 'temp-written', 'temp-synced', 'renamed', 'checked'];

export type MigrationFailure = 'file-changed' | 'verify-failed' | 'write-failed' | 'check-failed';

export class MigrationError extends Error {
  constructor(
    readonly failure: MigrationFailure,
    message: string,
    /** Entries this run stored and left in place (the user may delete them with `mcp-secure keychain delete`). */
    readonly keptEntries: readonly KeychainEntry[] = [],
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface ExecuteOptions {
  file: string;
  keychain: Keychain;
  /** The exact text the plan was computed from. */
  originalText: string;
  /** Defaults to the plan's. */
  candidate?: ConfigCandidate;
  /** Called at every step boundary (progress, and the fault-injection test hook). */
  onStep?: (step: MigrationStep, detail?: string) => void | Promise<void>;
}

export interface MigrationResult {
  /** The path written (symlinks resolved). */
  file: string;
  entries: KeychainEntry[];
  newText: string;
}

export async function executeMigration(plan: MigrationPlan, options: ExecuteOptions): Promise<MigrationResult> {
  const { keychain, originalText } = options;
  const step = async (name: MigrationStep, detail?: string) => options.onStep?.(name, detail);
  if (plan.secrets.length === 0 || plan.edits.length === 0) throw new MigrationError('verify-failed', 'Nothing to migrate.');

  // Compute and verify the new text first: a plan that cannot be written stores nothing.
  const newText = applyEdits(originalText, plan.edits);
  const problems = verifyMigratedText(originalText, newText, options.candidate ?? plan.candidate, plan);
  if (problems.length > 0) throw new MigrationError('verify-failed', `Refusing to rewrite ${options.file}: ${problems.join('; ')}. Nothing was changed.`);

  // 1. Keychain: write and read back every value.
  const written = await storePlanSecrets(plan, keychain, step);

  // 2. The file must be exactly what was planned from.
  await step('reread');
  const current = await readExact(options.file);
  if (current === undefined || current !== originalText) {
    throw new MigrationError(
      'file-changed',
      `${options.file} changed since it was read; nothing was rewritten. Run migrate again. ` +
        `The keychain entries stored for it were kept so nothing is lost: ${written.map((e) => e.reference).join(', ')}.`,
      written,
    );
  }

  // 3. Verified above, re-checked here against what is on disk now (identical by step 2).
  await step('verified');

  // 4. Atomic write.
  let target: string;
  try {
    target = await writeFileAtomic(options.file, Buffer.from(newText, 'utf8'), { onStep: (s) => step(s) });
  } catch (error) {
    await forget(keychain, written);
    const code = (error as NodeJS.ErrnoException).code;
    throw new MigrationError('write-failed', `Could not write ${options.file} (${code ?? (error as Error).message}); the file was left unchanged.`);
  }

  // 5. Read back.
  const after = await readExact(target);
  if (after !== newText) {
    throw new MigrationError('check-failed', `${options.file} does not read back as written; check it. The keychain entries were kept: ${written.map((e) => e.reference).join(', ')}.`, written);
  }
  await step('checked');
  return { file: target, entries: written, newText };
}

/**
 * Step 1 on its own (the editor stores first, then applies the plan's edits as a WorkspaceEdit):
 * writes every planned value and reads it back. On failure, removes what it stored and throws
 * a KeychainError; the caller must not touch the config then.
 */
export async function storePlanSecrets(
  plan: MigrationPlan,
  keychain: Keychain,
  onStep?: (step: MigrationStep, detail?: string) => void | Promise<void>,
): Promise<KeychainEntry[]> {
  const written: KeychainEntry[] = [];
  try {
    for (const secret of plan.secrets) {
      await onStep?.('keychain-write', secret.account);
      // Never overwrite an entry that appeared since planning (another run, another tool).
      const existing = await keychain.get(secret.account);
      if (existing !== null && existing !== secret.secret) {
        throw new KeychainError('unknown', `The keychain entry ${secret.account} was created by something else since the plan was made.`, 'Nothing was changed in your config. Run migrate again.');
      }
      written.push(await keychain.setVerified(secret.account, secret.secret));
    }
  } catch (error) {
    await forget(keychain, written);
    throw error instanceof KeychainError ? error : new KeychainError('unknown', 'The OS keychain failed.', 'Nothing was changed in your config. Check the keychain and try again.');
  }
  await onStep?.('keychain-done');
  return written;
}

/** The file's text, or undefined when it is not valid UTF-8 (bytes that would not round-trip). */
async function readExact(file: string): Promise<string | undefined> {
  const bytes = await fs.readFile(file);
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}

/** Best effort: the file still holds every value, so these new entries are only clutter. */
async function forget(keychain: Keychain, entries: readonly KeychainEntry[]): Promise<void> {
  for (const entry of entries) await keychain.delete(entry.account, entry.service).catch(() => false);
}
