/**
 * The migration engine's data: a plan (pure, computed from a config's text) and what executing
 * it produced. A plan never leaves the core with its secret values: `PlannedSecret.secret` is
 * internal (the executor stores it); everything printed goes through `describePlan`.
 */
import type { ClientId, NodePath, SourceRange } from '../model';

/** A replacement in the ORIGINAL text: [offset, offset + length) becomes newText. */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

/** Where a migrated value sat in its server entry. */
export type SecretSlot = 'env' | 'header' | 'arg' | 'url';

/** Where it goes: the OS keychain (launcher/bridge resolve it) or a VS Code password input. */
export type MigrationStrategy = 'keychain' | 'vscode-input';

export interface PlannedSecret {
  /** keychain: the keytar account; vscode-input: the input id. */
  account: string;
  /** What the config now holds: `keyring://service/account` or `${input:id}`. */
  reference: string;
  /** The value stored (internal: never print, log or serialise it). */
  secret: string;
  /** The detected secrets inside it (internal, like `secret`): the verifier checks they are gone. */
  detected: string[];
  storage: MigrationStrategy;
  serverName: string;
  /** The server entry's path from the document root (names repeat across sections). */
  serverPath: NodePath;
  /** The env/header name, the flag of an argument (`api-key`), or `url`. */
  key: string;
  location: SecretSlot;
  /** The first finding this entry resolves (a value may hold several). */
  findingRange: SourceRange;
  findingRanges: SourceRange[];
  /** Short, safe description of the stored value (`ghp_…6789`). */
  redacted: string;
  /** The stored value is more than the detected secret (`Bearer <token>`, a whole URL). */
  wholeValue: boolean;
}

/** How a server entry's launch changes. */
export interface ServerChange {
  serverName: string;
  serverPath: NodePath;
  kind: 'wrap' | 'bridge';
  /** What it ran before (`npx`) or where it connected (the URL, redacted when it held a secret). */
  before: string;
}

export interface MigrationPlan {
  file: string;
  client: ClientId;
  /** What the file was read as (the executor re-parses the rewritten text with it). */
  candidate: import('../discovery/configParse').ConfigCandidate;
  strategy: MigrationStrategy;
  service: string;
  launcher: string;
  secrets: PlannedSecret[];
  changes: ServerChange[];
  /** Sorted by offset, non-overlapping, against the original text. */
  edits: TextEdit[];
  warnings: string[];
  skipped: Array<{ serverName: string; reason: string }>;
}

export interface PlanInput {
  text: string;
  candidate: import('../discovery/configParse').ConfigCandidate;
  /** Scanned root: finding fingerprints are relative to it (not used for edits). */
  root: string;
  service: string;
  /** Absolute path of the launcher (`launcherPath(denv)`). */
  launcher: string;
  /** Accounts already in the keychain under `service`. */
  existingAccounts: ReadonlySet<string>;
  /** Migrate only the secrets whose finding starts at one of these file offsets. */
  only?: { offsets: number[] };
  strategy?: MigrationStrategy;
}
