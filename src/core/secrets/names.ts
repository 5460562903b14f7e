/**
 * What a setting's name says about its value: a password, some other secret (key, token,
 * client secret...), or nothing. Names are split into lowercase words first, so
 * `AWS_SECRET_ACCESS_KEY`, `awsSecretAccessKey`, `aws.secret-access-key` and `X-API-Key`
 * are all read the same way.
 */

export type NameClass = 'password' | 'secret' | 'none';

/** `GITHUB_PERSONAL_ACCESS_TOKEN` → ['github','personal','access','token']; `exaApiKey` → ['exa','api','key']. */
/** Names repeat across values and keystrokes; words are computed once per distinct name. */
const WORDS = new Map<string, string[]>();

export function nameWords(name: string): string[] {
  let words = WORDS.get(name);
  if (words === undefined) {
    words = splitWords(name);
    if (WORDS.size >= 5000) WORDS.clear();
    WORDS.set(name, words);
  }
  return words;
}

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Lowercase words joined by `_`: the form context rules match their key patterns against. */
export function normaliseName(name: string): string {
  return nameWords(name).join('_');
}

/**
 * Last words that make the value something *about* a secret, not the secret: where it is,
 * what it is called, how long it lives. `SSH_KEY_PATH`, `TOKEN_URL`, `AWS_ACCESS_KEY_ID`.
 */
const NON_SECRET_LAST = new Set([
  'id', 'ids', 'path', 'paths', 'file', 'files', 'filename', 'dir', 'directory', 'folder', 'url', 'urls', 'uri',
  'endpoint', 'host', 'hostname', 'port', 'name', 'names', 'type', 'kind', 'env', 'var', 'variable', 'header',
  'prefix', 'suffix', 'length', 'len', 'size', 'count', 'limit', 'max', 'min', 'format', 'version', 'ttl',
  'expiry', 'expires', 'expiration', 'lifetime', 'timeout', 'algorithm', 'alg', 'region', 'issuer', 'audience',
  'scope', 'scopes', 'enabled', 'disabled', 'required', 'mode', 'field', 'label', 'hint', 'location', 'policy',
  'provider', 'method', 'schema', 'store', 'helper', 'command', 'cmd', 'script', 'source', 'ref', 'reference',
  'user', 'username', 'login', 'email', 'owner', 'hash', 'digest', 'fingerprint', 'kid', 'usage', 'pattern',
  'regex', 'rotation', 'strategy', 'storage', 'backend', 'service', 'index', 'position', 'set', 'map',
  'list', 'tokens', 'keys', 'secrets', 'passwords', 'placeholder', 'example', 'description', 'desc', 'title',
  'error', 'message', 'msg', 'status', 'state', 'flag', 'option', 'options', 'config', 'settings', 'mapping',
]);

/** Words anywhere in the name that make it public by design. */
const NON_SECRET_ANY = new Set(['public', 'publishable', 'pub', 'anon', 'csrf', 'xsrf', 'recaptcha', 'analytics', 'measurement', 'tracking']);

/** Words right before "key"/"token" that make it a data-structure key, a paging or idempotency token: `SORT_KEY`, `NEXT_PAGE_TOKEN`. */
const NON_CREDENTIAL_QUALIFIERS = new Set([
  'sort', 'primary', 'foreign', 'partition', 'cache', 'idempotency', 'dedupe', 'dedup', 'lookup', 'hot', 'object',
  'bucket', 'i18n', 'translation', 'column', 'row', 'unique', 'composite', 'routing', 'page', 'pagination',
  'cursor', 'next', 'continuation', 'meta', 'map', 'dict', 'storage', 'registry', 'label', 'group', 'field',
  // AWS SDK pagination and idempotency (`result_key`, `output_token`, `ClientRequestToken`,
  // `LifecycleActionToken`), editor settings keys, lexer state (`lastSignificantToken`).
  'result', 'results', 'output', 'input', 'request', 'action', 'settings', 'setting', 'significant',
]);

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'pass', 'pw']);
const SECRET_WORDS = new Set([
  'secret', 'token', 'apikey', 'credential', 'credentials', 'creds', 'authorization', 'privatekey',
  'secretkey', 'accesskey', 'authkey', 'accesstoken', 'authtoken', 'refreshtoken', 'clientsecret', 'apitoken',
  'sessiontoken', 'cookie', 'auth',
]);
/** Endings of glued last words: `dbpassword` is a password, `githubtoken` a secret. */
const GLUED_PASSWORD_ENDINGS = ['password', 'passwd', 'passphrase'];
const GLUED_SECRET_ENDINGS = ['secret', 'token', 'apikey'];
const endsWithAny = (words: readonly string[]) => new RegExp(`(?:${words.join('|')})$`);
const GLUED_PASSWORD = endsWithAny(GLUED_PASSWORD_ENDINGS);
const GLUED_SECRET = endsWithAny(GLUED_SECRET_ENDINGS);
/** `GITHUB_PAT`, `ADO_PAT`: the words before `pat` that make it a personal access token (not a regex pattern, `NAME_PAT`). */
export const PAT_OWNERS: readonly string[] = ['github', 'gh', 'gitlab', 'azure', 'ado', 'devops', 'personal', 'access', 'hf', 'huggingface', 'figma', 'airtable', 'atlassian', 'jira'];
const PAT_OWNER_SET = new Set(PAT_OWNERS);

/**
 * What the last word (after trailing qualifiers) of every name classifyName accepts ends with,
 * lowercase: any word of those sets and `key`, `pat`, without the ones that end with another
 * (`apikey` ends with `key`). The file scan decodes a line only if one of them ends a word on
 * it (lineGate.ts); a test checks the two agree.
 */
export const SECRET_NAME_ENDINGS: readonly string[] = (() => {
  const all = [...PASSWORD_WORDS, ...SECRET_WORDS, ...GLUED_PASSWORD_ENDINGS, ...GLUED_SECRET_ENDINGS, 'key', 'pat'];
  return [...new Set(all)].filter((w) => !all.some((other) => other !== w && w.endsWith(other)));
})();

/** Words that make a following "key" a credential: `API_KEY`, `SECRET_KEY`, `MASTER_KEY`. */
const KEY_QUALIFIERS = new Set([
  'api', 'secret', 'access', 'private', 'auth', 'master', 'signing', 'encryption', 'client', 'app', 'application',
  'service', 'admin', 'license', 'subscription', 'write', 'read', 'ingest', 'ingestion', 'project', 'server',
  'webhook', 'session', 'bot', 'personal', 'account', 'shared', 'hmac', 'jwt', 'crypto', 'cipher', 'aes',
  'deploy', 'sdk', 'dev', 'prod', 'live', 'test', 'management', 'root', 'user', 'org', 'organization', 'team',
  'mcp', 'openai', 'anthropic',
]);

/** Trailing words that qualify a secret's name without changing what it is: `API_KEY_V2`, `TOKEN_PROD`. */
const TRAILING_QUALIFIERS = /^(?:v?\d+|prod|production|dev|development|staging|stage|test|testing|live|sandbox|local|old|new|backup|primary|secondary|alt|fallback|default|base|value|raw|b64|base64|encoded|enc|str|string|override)$/;

/**
 * Classifies a setting name. The *last* word decides (after version/environment qualifiers):
 * `GITHUB_TOKEN`, `API_KEY_V2` are secrets; `ACQUIRE_TOKEN_START`, `PASSWORD_REQUIRED`,
 * `*_KEY_ID`, `*_TOKEN_URL`, `PUBLIC_KEY`, `SSH_KEY_PATH` are not.
 */
/** classifyName is called for every value of every scan, mostly with the same few names. */
const CLASSIFIED = new Map<string, NameClass>();
const CLASSIFIED_LIMIT = 5000;

export function classifyName(name: string | undefined): NameClass {
  if (!name) return 'none';
  const known = CLASSIFIED.get(name);
  if (known !== undefined) return known;
  const result = classifyNameUncached(name);
  if (CLASSIFIED.size >= CLASSIFIED_LIMIT) CLASSIFIED.clear();
  CLASSIFIED.set(name, result);
  return result;
}

function classifyNameUncached(name: string): NameClass {
  const all = nameWords(name);
  let n = all.length;
  while (n > 1 && TRAILING_QUALIFIERS.test(all[n - 1]!)) n--;
  const words = all.slice(0, n);
  if (words.length === 0) return 'none';
  const last = words[words.length - 1]!;
  if (NON_SECRET_LAST.has(last)) return 'none';
  if (words.some((w) => NON_SECRET_ANY.has(w))) return 'none';
  if ((last === 'key' || last === 'token') && NON_CREDENTIAL_QUALIFIERS.has(words[words.length - 2] ?? '')) return 'none';
  if (PASSWORD_WORDS.has(last)) return 'password';
  if (SECRET_WORDS.has(last)) return 'secret';
  if (last === 'pat' && PAT_OWNER_SET.has(words[words.length - 2] ?? '')) return 'secret';
  // Glued names: `githubtoken`, `dbpassword`, `slacksecret`.
  if (GLUED_PASSWORD.test(last)) return 'password';
  if (GLUED_SECRET.test(last)) return 'secret';
  // "key" is a credential alone or with a qualifier; `sort_key`, `hotkey`, `meta_key` are not.
  if (last === 'key') {
    if (words.length === 1) return 'secret';
    const before = words[words.length - 2]!;
    if (KEY_QUALIFIERS.has(before)) return 'secret';
    // `STRIPE_KEY`, `GOOGLE_MAPS_KEY`: a product name then "key".
    if (words.length <= 3) return 'secret';
  }
  return 'none';
}

/** Header names whose value is a credential with an auth scheme in front (`Bearer x`, `Basic x`). */
export function isAuthorizationName(name: string | undefined): boolean {
  if (!name) return false;
  const n = normaliseName(name);
  return n === 'authorization' || n === 'proxy_authorization' || n === 'auth' || n.endsWith('_authorization');
}
