/**
 * The line gate: whether a line the prefilter picked is worth decoding for the structural pass
 * of a file scan (scanText.ts, quiet files: no provider match, no AKIA / AC anchor). It reads
 * the prefilter's trigger hits on the line and the bytes after them, and answers `false` only
 * when the structural pass cannot find a candidate on the line. Each check is a necessary condition
 * of one of the ways a candidate arises (detect.ts: collectValueCandidates over the entries of
 * scanText.ts):
 *
 *  - a value under a secret name (the generic and context rules, `Authorization`-named auth
 *    schemes). Every name classifyName accepts has a last word ending with one of
 *    SECRET_NAME_ENDINGS (names.ts), and a word of a name is followed by a character that is
 *    not a lowercase letter or a digit (a separator, an upper-case letter, the name's end);
 *    names are ASCII (their regexes have no `u` flag). The name comes before its value: before
 *    the literal it is assigned to, inside the literal that names itself (`"--api-key=…"`), or
 *    it is a flag (`--token …`: its run of `[\w-]` starts with `-`). What follows a name before
 *    its value is limited (assignedAfter; `name == "…"` is a comparison in source code). An
 *    unquoted `name: value` or `name=value` counts in plain text and on the lines read whole
 *    (those with a URL or a `password=` connection string);
 *  - a context rule's name that need not end with such a word (`^aws_.*secret`): any `secret`;
 *  - a `Bearer` or `Basic` scheme before the value (followed by a space or a tab);
 *  - a URL's password (`@`) or a query parameter whose name is `sig` or may be %-encoded
 *    (other names are names as above).
 *
 * Every ending starts with a trigger word, so the trigger hits show where endings can be
 * (lineGate() checks it). test/core/secrets.lineGate.test.ts checks the name rules against
 * classifyName and the context rules; the prefilter tests check the file scan against a scan
 * of every line.
 */
import { SECRET_NAME_ENDINGS } from './names';

/** Words that count wherever they occur (context rule names such as `aws_…secret…`). */
const ANYWHERE = ['secret'];
/** Schemes that make the value a credential whatever the name (detect.ts, AUTH_SCHEME). */
const SCHEMES = ['bearer', 'basic'];
/** Names of a connection string's password (scanText.ts reads a line whole on `(?:password|pwd)[ \t]*=`). */
const KV_PASSWORDS = ['password', 'pwd'];

/** [a-z0-9]: a name's word goes on (no break between them, see names.ts splitWords). */
const CONTINUES_WORD = new Uint8Array(256);
/** [\w-]: a flag's characters. */
const FLAG_CHAR = new Uint8Array(256);
/**
 * What may sit between the end of a name's last word and what assigns it a value: the rest of
 * the name (`[\w$.-]`, spaces in a quoted name, trailing words), `]` (`obj[KEY] =`), whitespace
 * (`\s` of `password\s*=`: any non-ASCII byte may be part of one). A quoted name ends at its quote.
 */
const BEFORE_ASSIGNMENT = new Uint8Array(256);
/** Where a value starts after its name: a quote (the literal, or the quoted name's end), or `=` `:` `|` `?` `+` (`=`, `:=`, `||`, `??`, `+=`, `name: str =`). */
const ASSIGNS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const lower = c >= 97 && c <= 122;
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  CONTINUES_WORD[c] = lower || digit ? 1 : 0;
  FLAG_CHAR[c] = lower || digit || upper || c === 95 || c === 45 ? 1 : 0;
  BEFORE_ASSIGNMENT[c] = FLAG_CHAR[c] || '$. ]'.includes(String.fromCharCode(c)) || (c >= 9 && c <= 13) || c >= 128 ? 1 : 0;
}
for (const ch of '"\'`=:|?+') ASSIGNS[ch.charCodeAt(0)] = 1;

const NOT_ASSIGNED = 0;
const ASSIGNED = 1;
/** `==`: a comparison to keyBefore (scanText.ts), but `=` and a value starting with `=` to the name regexes. */
const COMPARED = 2;

/** Whether something after the name ending at `at` assigns it a value (keyBefore, the name regexes of scanText.ts / detect.ts / urls.ts). */
function assignedAfter(bytes: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && BEFORE_ASSIGNMENT[bytes[i]!] === 1) i++;
  if (i >= end || ASSIGNS[bytes[i]!] === 0) return NOT_ASSIGNED;
  return bytes[i] === 61 && bytes[i + 1] === 61 && i + 1 < end ? COMPARED : ASSIGNED;
}

/** A URL ends at ASCII whitespace, a quote, `<` or `>` (Unicode spaces end it too: reading on only opens more lines). */
export const endsUrl = (c: number) => (c >= 9 && c <= 13) || c === 32 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62;

/**
 * Whether the URL whose `://` is at `at` can hold a credential urls.ts finds: a userinfo
 * password (an `@`), or a query parameter whose name makes it one: `sig` (Azure SAS), a
 * secret name (the name checks see it: ASCII, followed by `=`), or a name only decoding
 * shows (a `%`, or a non-ASCII character: the Kelvin sign lowercases to `k`).
 */
function urlMayHoldCredential(bytes: Uint8Array, at: number, end: number): boolean {
  let equals = false;
  let encoded = false;
  for (let i = at + 3; i < end; i++) {
    const c = bytes[i]!;
    if (endsUrl(c)) break;
    if (c === 64) return true; // '@'
    if (c === 37 || c >= 128) encoded = true;
    else if (c === 61) {
      equals = true;
      // `?sig=` / `&sig=`
      if (bytes[i - 1] === 103 && bytes[i - 2] === 105 && bytes[i - 3] === 115 && (bytes[i - 4] === 63 || bytes[i - 4] === 38)) return true;
    }
  }
  return equals && encoded;
}

/** `word` (lowercase ASCII) at `at`, ASCII case-insensitively, ending before `end`. */
function wordAt(bytes: Uint8Array, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if ((bytes[at + k]! | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/** What the gate does at a hit of one trigger word. */
interface TriggerRole {
  length: number;
  /** The endings that start with the trigger. */
  endings: string[];
  /** The connection-string password names that start with it. */
  kv: string[];
  scheme: boolean;
  anywhere: boolean;
  url: boolean;
}

export type LineGate = (bytes: Uint8Array, start: number, end: number, plain: boolean, hits: readonly number[], from: number, to: number) => boolean;

/**
 * The gate for a prefilter whose case-insensitive trigger words are `triggers` (`://` among
 * them). It reads `hits[from..to)`: pairs (index into `triggers`, offset), the line's trigger
 * occurrences; the prefilter may leave out those that cannot pick a line (a `pat` after no
 * owner, a `://` whose URL stops before any `@` or `=`).
 */
export function lineGate(triggers: readonly string[]): LineGate {
  const roles: TriggerRole[] = triggers.map((t) => ({
    length: t.length,
    endings: SECRET_NAME_ENDINGS.filter((e) => e.startsWith(t)),
    kv: KV_PASSWORDS.filter((w) => w.startsWith(t)),
    scheme: SCHEMES.includes(t),
    anywhere: ANYWHERE.includes(t),
    url: t === '://',
  }));
  const missing = [...SECRET_NAME_ENDINGS, ...KV_PASSWORDS, ...SCHEMES, ...ANYWHERE, '://'].filter((w) => !triggers.some((t) => w.startsWith(t)));
  if (missing.length > 0) throw new Error(`lineGate: no trigger starts ${missing.join(', ')}`);

  return (bytes, start, end, plain, hits, from, to) => {
    let firstNameEnd = -1; // the first name followed by what may assign it a value
    let firstAssigned = -1; // … by what keyBefore reads as an assignment (not `==`)
    let kvPassword = false;
    for (let h = from; h < to; h += 2) {
      const role = roles[hits[h]!]!;
      const at = hits[h + 1]!;
      if (role.anywhere) return true;
      if (role.scheme) {
        const next = at + role.length < end ? bytes[at + role.length] : -1;
        if (next === 32 || next === 9) return true;
        continue;
      }
      if (role.url) {
        if (urlMayHoldCredential(bytes, at, end)) return true;
        continue;
      }
      // Indexed loops: a cold process runs this in the interpreter, where for-of costs an iterator per hit.
      for (let w = 0; w < role.kv.length; w++) {
        const word = role.kv[w]!;
        if (kvPassword || !wordAt(bytes, at, end, word)) continue;
        let j = at + word.length;
        while (j < end && (bytes[j] === 32 || bytes[j] === 9)) j++;
        kvPassword = j < end && bytes[j] === 61;
      }
      for (let e = 0; e < role.endings.length; e++) {
        const ending = role.endings[e]!;
        const nameEnd = at + ending.length;
        if (!wordAt(bytes, at, end, ending)) continue;
        // A word ends here unless a lowercase letter or a digit follows.
        if (nameEnd < end && CONTINUES_WORD[bytes[nameEnd]!] === 1) continue;
        // A flag: its run of [\w-] starts with `-`.
        let runStart = at;
        while (runStart > start && FLAG_CHAR[bytes[runStart - 1]!] === 1) runStart--;
        if (bytes[runStart] === 45) return true;
        if (firstAssigned >= 0 && nameEnd >= firstAssigned) continue;
        let assigned = assignedAfter(bytes, nameEnd, end);
        if (assigned === NOT_ASSIGNED) continue;
        // `"password==…;server=…"`: a connection string's password (urls.ts reads `\s*=\s*`).
        if (assigned === COMPARED && role.kv.includes(ending)) assigned = ASSIGNED;
        if (firstNameEnd < 0 || nameEnd < firstNameEnd) firstNameEnd = nameEnd;
        if (assigned === ASSIGNED) firstAssigned = nameEnd;
      }
    }
    if (firstNameEnd < 0) return false;
    // The value comes after the name: a literal (its quote)…
    if (firstAssigned >= 0 && quoteFrom(bytes, firstAssigned, end)) return true;
    // … or, in plain text and on the lines read whole (a URL, a `password=…;` connection string),
    // also unquoted after `:` or `=`, and `==` is `=` and a value.
    if (!plain && !hasUrl(bytes, start, end) && !(kvPassword && bytes.subarray(start, end).includes(59))) return false; // ';'
    for (let i = firstNameEnd; i < end; i++) {
      const c = bytes[i]!;
      if (c === 34 || c === 39 || c === 96 || c === 58 || c === 61) return true;
    }
    return false;
  };
}

function quoteFrom(bytes: Uint8Array, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (bytes[i] === 34 || bytes[i] === 39 || bytes[i] === 96) return true;
  return false;
}

function hasUrl(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i + 2 < end; i++) if (bytes[i] === 58 && bytes[i + 1] === 47 && bytes[i + 2] === 47) return true;
  return false;
}
