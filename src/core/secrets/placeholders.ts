/**
 * Values that are not secrets even under a secret's name: references a client or launcher
 * resolves later, and placeholders people leave in templates and docs.
 */

/**
 * A reference to a value stored elsewhere. Anything holding `${…}` or `{{…}}` is treated as
 * templated (`Bearer ${input:tok}`, `${env:X}`, `${X:-default}`, `${{ secrets.X }}`); the rest
 * are whole-value forms.
 */
const REFERENCE_PATTERNS: readonly RegExp[] = [
  /\$\{[^}\n]{0,200}\}/,
  /\{\{[^}\n]{0,200}\}\}/,
  /^\$[A-Za-z_][A-Za-z0-9_]{0,100}$/, // $VAR
  /^\$\([^)\n]{1,300}\)$/, // $(command)
  /^%[A-Za-z_][A-Za-z0-9_]{0,100}%$/, // %VAR%
  /^@[A-Za-z_][A-Za-z0-9_]{0,100}@$/, // @VAR@ (build-time substitution)
  /^\{(?:env|file):[^}\n]{1,200}\}$/, // opencode {env:X}, {file:path}
  /^(?:keyring|op|env|vault|secret|secrets|sm|awssm|gcpsm|azkv|bws|infisical|doppler|pass|keychain):\/\/\S{0,500}$/i,
];

export function isReference(value: string): boolean {
  const v = value.trim();
  return REFERENCE_PATTERNS.some((re) => re.test(v));
}

/** Whole values (case-insensitive, separators ignored) that only ever stand in for a secret. */
const PLACEHOLDER_WORDS = new Set(
  [
    'changeme', 'changeit', 'replaceme', 'todo', 'tbd', 'fixme', 'example', 'examplekey', 'dummy', 'dummykey',
    'test', 'testing', 'testkey', 'testtoken', 'sample', 'placeholder', 'secret', 'mysecret', 'supersecret',
    'password', 'mypassword', 'passw0rd', 'token', 'mytoken', 'apikey', 'myapikey', 'key', 'none', 'null',
    'nil', 'undefined', 'true', 'false', 'empty', 'redacted', 'hidden', 'masked', 'removed', 'na', 'default',
    'foo', 'bar', 'foobar', 'baz', 'abc', 'abc123', 'abcdef', '123456', '12345678', '123456789', 'qwerty',
    'letmein', 'pass', 'passwd', 'admin', 'root', 'guest', 'user', 'secretkey', 'accesskey', 'privatekey',
    'notset', 'unset', 'blank', 'xxx', 'yyy', 'zzz', 'fake', 'fakekey', 'faketoken', 'mock', 'stub',
    'insertkeyhere', 'yourkeyhere', 'keyhere', 'tokenhere', 'secrethere',
  ],
);

/** Values made only of stand-in words (after leetspeak folding): `s3cretPassw0rd`, `SuperSecret123`, `my-api-key`. */
const STAND_IN_PHRASE =
  /^(?:my|your|the|our|super|very|top|new|old)?(?:secret|password|passwd|pass|token|apikey|api|key|admin|test|dummy|example|demo|sample|default|changeme|hunter|letmein|welcome|qwerty)+\d{0,4}$/;

/** Fragments that mark a value as a stand-in wherever they appear. */
const PLACEHOLDER_FRAGMENTS =
  /<[A-Za-z_][^<>\n]{0,60}>|fake|a1b2c3|x{4,}|\*{3,}|•{2,}|…|\.{3}|#{4,}|_{4,}|y{6,}|z{6,}|your[-_ .]?(?:own[-_ .]?)?(?:api[-_ .]?)?(?:key|token|secret|pass|password|access|client|app|org|account|project|personal|bot|service|webhook|[a-z]{2,12}[-_ .](?:key|token|secret))|placeholder|redacted|replace[-_ ]?(?:me|this|with)|change[-_ ]?me|insert[-_ ]|paste[-_ ]|enter[-_ ]your|put[-_ ]your|dummy|examplekey|example[-_]?(?:key|token|secret|password)|(?:^|[-_.])example(?:$|[-_.])|EXAMPLE$|not[-_ ]?a[-_ ]?real|fake[-_]?(?:key|token|secret)|do[-_ ]?not[-_ ]?use|abcdefgh|12345678|0123456789|(.)\1{7,}/i;

/**
 * Published example credentials that appear in docs, RFCs and test suites everywhere
 * (facts from the documents themselves, so a scan of vendored docs stays quiet).
 */
const KNOWN_EXAMPLES = new Set([
  // RFC 6749 (OAuth 2.0) examples
  '2YotnFZFEjr1zCsicMWpAA', 'tGzv3JOkF0XG5Qx2TlKWIA', 'SplxlOBeZQQYbYS6WxSbIA', 's6BhdRkqt3', '7Fjfp0ZBr1KtDRbnfVdmIw',
  // RFC 5849 (OAuth 1.0) examples
  '0685bd9184jfhq22', 'ad180jjd733klru7', 'dpf43f3p2l4k3l03', 'kd94hf93k423kf44', 'nnch734d00sl2jdk', 'pfkkdhi9sl3r4s00',
  // Stripe's documented test key
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
]);

export function isKnownExample(value: string): boolean {
  return KNOWN_EXAMPLES.has(value.trim());
}

/** `<YOUR_KEY>`, `[token]`, `(secret)`: a bracketed name. */
const BRACKETED = /^(?:<[^<>]{1,120}>|\[[^[\]]{1,120}\]|\([^()]{1,120}\))$/;

/**
 * True for placeholders: empty values, `<…>`, `your-api-key-here`, `sk-xxxx…`, `changeme`,
 * `REPLACE_ME`, `***`, one repeated character.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["'`]|["'`]$/g, '');
  if (v.length === 0) return true;
  if (KNOWN_EXAMPLES.has(v) || BRACKETED.test(v)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  // `pa$$word`, `p@ssw0rd`: leetspeak spellings of the stand-in words.
  const squashed = v
    .toLowerCase()
    .replace(/[$5]/g, 's')
    .replace(/[@4]/g, 'a')
    .replace(/0/g, 'o')
    .replace(/3/g, 'e')
    .replace(/[^a-z0-9]/g, '');
  if (squashed.length === 0) return true; // punctuation only: '***', '---', '...'
  if (PLACEHOLDER_WORDS.has(squashed) || STAND_IN_PHRASE.test(squashed)) return true;
  if (/^(?:your|my|the|a|an|some|insert|enter|put|add|paste|set|replace|fill)[-_ .]/i.test(v)) return true;
  if (/[-_ .](?:here|goes[-_ .]here)$/i.test(v)) return true;
  if (/^(?:to[-_ ]?do|tbd|fixme|changeme|replace[-_ ]?me)\b/i.test(v)) return true;
  return PLACEHOLDER_FRAGMENTS.test(v);
}

/**
 * A stricter test for the body of a provider-format match (`ghp_` + body): only stand-in
 * fragments, since the body's shape was already checked by the rule's regex.
 */
export function isPlaceholderBody(body: string): boolean {
  if (body.length === 0 || KNOWN_EXAMPLES.has(body)) return true;
  if (/^(.)\1*$/.test(body)) return true;
  return PLACEHOLDER_FRAGMENTS.test(body) || /(.)\1{5,}/.test(body);
}
