/**
 * The OS keychain, through keytar: macOS Keychain, Windows Credential Manager, Linux Secret
 * Service. Layout (DESIGN.md): service (default `mcp-secure`), account
 * `<server-name>/<ENV_OR_HEADER_NAME>`, referenced from configs as
 * `keyring://<service>/<account>`.
 *
 * Every failure becomes a KeychainError naming the cause and the fix. Nothing here ever falls
 * back to plaintext, and no message includes a secret's value.
 */

export const DEFAULT_SERVICE = 'mcp-secure';

/** The subset of keytar this product uses; tests may pass another implementation. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type KeychainFailure =
  | 'native-module'
  | 'no-dbus'
  | 'no-secret-service'
  | 'locked'
  | 'too-long'
  | 'timeout'
  | 'verify-failed'
  | 'unknown';

export class KeychainError extends Error {
  constructor(
    readonly failure: KeychainFailure,
    /** What happened, in the user's terms. */
    readonly reason: string,
    /** What to do about it. */
    readonly fix: string,
  ) {
    super(`${reason} ${fix}`);
    this.name = 'KeychainError';
  }
}

/** Windows Credential Manager's blob limit (CRED_MAX_CREDENTIAL_BLOB_SIZE); keytar stores UTF-8. */
export const WINDOWS_MAX_SECRET_BYTES = 2560;

interface FailurePattern {
  failure: KeychainFailure;
  test: RegExp;
  reason: string;
  fix: (platform: NodeJS.Platform) => string;
}

/** Known keytar / libsecret / D-Bus error texts → cause and fix (research/secrets.md §5). */
const FAILURES: readonly FailurePattern[] = [
  {
    failure: 'native-module',
    test: /keytar\.node|NODE_MODULE_VERSION|libsecret-1\.so|Cannot find module 'keytar'|invalid ELF header|wrong ELF class|was compiled against/i,
    reason: "The OS keychain is not reachable: keytar's native module could not be loaded on this machine.",
    fix: () =>
      'On Linux install the runtime library (apt install libsecret-1-0); reinstall MCP Secure built for this platform and architecture.',
  },
  {
    failure: 'no-dbus',
    test: /Cannot autolaunch D-Bus|X11 \$DISPLAY|DBUS_SESSION_BUS_ADDRESS|Could not connect: No such file|transport "disabled"|Failed to connect to socket/i,
    reason: 'The OS keychain is not reachable: there is no D-Bus session bus (a headless, SSH, container or WSL session).',
    fix: () =>
      'Run inside a desktop session, or start one with a Secret Service: dbus-run-session -- sh -c \'gnome-keyring-daemon --unlock --components=secrets; <your command>\'. Over VS Code Remote, the keychain of the remote host is used.',
  },
  {
    failure: 'no-secret-service',
    test: /org\.freedesktop\.secrets was not provided|ServiceUnknown|No such interface .*org\.freedesktop\.Secret/i,
    reason: 'The OS keychain is not reachable: no Secret Service provider is running.',
    fix: () => 'Install and start gnome-keyring, KWallet (with its Secret Service integration) or KeePassXC with Secret Service enabled.',
  },
  {
    failure: 'locked',
    test: /locked collection|is locked|unlock|Prompt dismissed|prompt.*cancel/i,
    reason: 'The OS keychain is locked.',
    fix: (platform) =>
      platform === 'darwin'
        ? 'Unlock the login keychain (Keychain Access) and try again.'
        : 'Unlock the login keyring (Seahorse "Passwords and Keys", or gnome-keyring-daemon --unlock) and try again.',
  },
  {
    failure: 'too-long',
    test: /stub received bad data|1783/i,
    reason: `The secret is too long for Windows Credential Manager (at most ${WINDOWS_MAX_SECRET_BYTES} bytes).`,
    fix: () => 'Keep this value in a VS Code password input or a secrets manager instead.',
  },
];

/** Turns whatever keytar threw into a KeychainError with a cause and a fix. */
export function classifyKeychainError(error: unknown, platform: NodeJS.Platform = process.platform): KeychainError {
  if (error instanceof KeychainError) return error;
  const text = error instanceof Error ? `${error.message} ${(error as NodeJS.ErrnoException).code ?? ''}` : String(error);
  for (const pattern of FAILURES) {
    if (pattern.test.test(text)) return new KeychainError(pattern.failure, pattern.reason, pattern.fix(platform));
  }
  // The raw text comes from keytar/libsecret and never holds the secret (it is never passed to them in messages).
  return new KeychainError('unknown', `The OS keychain failed: ${text.trim().slice(0, 300)}.`, 'Check that your keychain works (for example with secret-tool or Keychain Access) and try again.');
}

export interface KeychainOptions {
  service?: string;
  /** Each keychain call gives up after this long (a hidden unlock prompt can hang forever). */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new KeychainError(
            'timeout',
            `The OS keychain did not answer within ${Math.round(ms / 1000)} s (${what}).`,
            'It may be waiting for an unlock prompt that cannot be shown here: unlock the keyring and try again.',
          ),
        ),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A keychain entry this product stored: where it lives and how configs reference it. */
export interface KeychainEntry {
  service: string;
  account: string;
  reference: string;
}

export class Keychain {
  readonly service: string;
  private readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;

  constructor(
    private readonly keytar: KeytarLike,
    options: KeychainOptions = {},
  ) {
    this.service = options.service ?? DEFAULT_SERVICE;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.platform = options.platform ?? process.platform;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(run(), this.timeoutMs, what);
    } catch (error) {
      throw classifyKeychainError(error, this.platform);
    }
  }

  async get(account: string, service = this.service): Promise<string | null> {
    return this.call('read', () => this.keytar.getPassword(service, account));
  }

  /**
   * Stores a value and reads it back: resolves only when the keychain holds exactly `value`.
   * This is the step every config rewrite waits for.
   */
  async setVerified(account: string, value: string, service = this.service): Promise<KeychainEntry> {
    if (this.platform === 'win32' && Buffer.byteLength(value, 'utf8') > WINDOWS_MAX_SECRET_BYTES) {
      throw classifyKeychainError(new Error('stub received bad data'), this.platform);
    }
    await this.call('write', () => this.keytar.setPassword(service, account, value));
    const stored = await this.get(account, service);
    if (stored !== value) {
      throw new KeychainError('verify-failed', `The OS keychain did not return what was stored for ${service}/${account}.`, 'Nothing was changed in your config. Check the keychain and try again.');
    }
    return { service, account, reference: keyringReference(service, account) };
  }

  async delete(account: string, service = this.service): Promise<boolean> {
    return this.call('delete', () => this.keytar.deletePassword(service, account));
  }

  /** Account names stored under the service. Values are read by keytar but dropped here. */
  async list(service = this.service): Promise<KeychainEntry[]> {
    const credentials = await this.call('list', () => this.keytar.findCredentials(service));
    return credentials
      .map((c) => ({ service, account: c.account, reference: keyringReference(service, c.account) }))
      .sort((a, b) => a.account.localeCompare(b.account));
  }

  /** A harmless write/read/delete round trip: tells whether migration can proceed at all. */
  async preflight(): Promise<void> {
    const account = `.mcp-secure-preflight-${process.pid}`;
    await this.setVerified(account, 'preflight');
    await this.delete(account);
  }
}

/** Loads keytar lazily: a missing native module becomes a KeychainError, not a crash at startup. */
export function loadKeytar(): KeytarLike {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('keytar') as KeytarLike;
  } catch (error) {
    throw classifyKeychainError(error);
  }
}

// ---------------------------------------------------------------------------------------------
// keyring:// references

const REFERENCE = /^keyring:\/\/([^/\s]+)\/(\S+)$/;

export function keyringReference(service: string, account: string): string {
  return `keyring://${service}/${account}`;
}

export function parseKeyringReference(value: string): { service: string; account: string } | undefined {
  const match = REFERENCE.exec(value);
  return match ? { service: decodeURIComponent(match[1]!), account: match[2]! } : undefined;
}

/** `<server-name>/<ENV_NAME>`, with characters that would break a reference replaced. */
export function accountName(serverName: string, key: string): string {
  const clean = (s: string) => s.replace(/[\s/\\]+/g, '-').replace(/[^\w.@:+-]/g, '_') || '_';
  return `${clean(serverName)}/${clean(key)}`;
}

/** `github/GITHUB_TOKEN`, then `github/GITHUB_TOKEN-2`, ... until unused. */
export function uniqueAccount(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
