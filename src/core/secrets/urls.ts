/**
 * Credentials inside URLs and connection strings: the password of `scheme://user:pass@host`,
 * query parameters
 * (`?api_key=…`), and `Password=…;` in key/value connection strings.
 */
import { isPlaceholder, isReference } from './placeholders';

export interface UrlPart {
  /** 'password': userinfo password; 'query': a query parameter value; 'kv': `Password=` in a `;` connection string. */
  kind: 'password' | 'query' | 'kv';
  start: number;
  end: number;
  /** The query parameter or connection-string key name. */
  key?: string;
  provider: string;
  providerId: string;
}

const SCHEME_PROVIDERS: ReadonlyArray<[RegExp, string, string]> = [
  [/^postgres(?:ql)?$/, 'PostgreSQL', 'postgres'],
  [/^(?:mysql|mariadb|mysqlx)$/, 'MySQL', 'mysql'],
  [/^mongodb(?:\+srv)?$/, 'MongoDB', 'mongodb'],
  [/^rediss?$/, 'Redis', 'redis'],
  [/^amqps?$/, 'RabbitMQ (AMQP)', 'amqp'],
  [/^(?:mssql|sqlserver)$/, 'SQL Server', 'mssql'],
  [/^(?:https?|wss?)$/, 'URL', 'url'],
];

export function schemeProvider(scheme: string): { provider: string; providerId: string } {
  const s = scheme.toLowerCase().replace(/^jdbc:/, '');
  for (const [re, provider, providerId] of SCHEME_PROVIDERS) if (re.test(s)) return { provider, providerId };
  return { provider: 'URL', providerId: 'url' };
}

/** Passwords that ship as documented defaults of local databases and brokers. Not worth a finding. */
const DEFAULT_PASSWORDS = new Set(['postgres', 'mysql', 'mongo', 'mongodb', 'redis', 'rabbitmq', 'guest', 'root', 'admin', 'password', 'pass', 'secret', 'user', 'sa']);

/** True when a URL or connection-string password is a real value, not a placeholder or a well-known default. */
export function isRealPassword(raw: string, user?: string): boolean {
  let password = raw;
  try {
    password = decodeURIComponent(raw);
  } catch {
    // keep the raw text
  }
  if (password.length === 0 || isReference(password) || isPlaceholder(password)) return false;
  if (/^[*•x.]+$/i.test(password) || /^\$/.test(password) || /^%[A-Za-z_]\w*%$/.test(password)) return false;
  if (DEFAULT_PASSWORDS.has(password.toLowerCase())) return false;
  if (user !== undefined && (password === user || user.toLowerCase() === 'anonymous')) return false;
  return password.length >= MIN_PASSWORD_LENGTH;
}

/** Shorter URL passwords are documentation (`https://abc:xyz@…`), not credentials. */
const MIN_PASSWORD_LENGTH = 6;

/** Documentation hosts (RFC 2606): `https://user:pass@example.com` is an illustration. */
function isExampleHost(authority: string): boolean {
  const host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d+$/, '').toLowerCase();
  return /(?:^|\.)example(?:\.(?:com|org|net))?$/.test(host) || /\.(?:test|invalid|example)$/.test(host);
}

// A scheme at the start of a token run, then the rest of the URL up to whitespace or a quote.
const URL_RE = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,20}):\/\/([^\s'"`<>]{1,4096})/g;

/** Every credential-bearing part of every URL in `text`. */
export function findUrlParts(text: string): UrlPart[] {
  if (!text.includes('://')) return [];
  const parts: UrlPart[] = [];
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m; m = URL_RE.exec(text)) {
    const scheme = m[1]!;
    const restStart = m.index + scheme.length + 3;
    const rest = m[2]!;
    const { provider, providerId } = schemeProvider(scheme);
    const authorityEnd = firstIndexOf(rest, ['/', '?', '#']);
    const authority = rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    if (isExampleHost(authority)) continue;
    if (at > 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) {
        const password = userinfo.slice(colon + 1);
        if (isRealPassword(password, userinfo.slice(0, colon))) {
          parts.push({ kind: 'password', start: restStart + colon + 1, end: restStart + at, provider, providerId });
        }
      }
      // A bare userinfo (`https://<x>@host`) is left to the provider rules: Sentry DSNs put a public key there.
    }
    const q = rest.indexOf('?', authorityEnd);
    // Badge images (`…/badge.svg?token=…`) carry read-only graph tokens meant for READMEs.
    if (q >= 0 && !/\.(?:svg|png|gif|jpe?g|webp)$/i.test(rest.slice(authorityEnd, q))) {
      const hash = rest.indexOf('#', q);
      const queryEnd = hash < 0 ? rest.length : hash;
      let pos = q + 1;
      while (pos < queryEnd) {
        let amp = rest.indexOf('&', pos);
        if (amp < 0 || amp > queryEnd) amp = queryEnd;
        const pair = rest.slice(pos, amp);
        const eq = pair.indexOf('=');
        if (eq > 0 && eq < pair.length - 1) {
          let key = pair.slice(0, eq);
          try {
            key = decodeURIComponent(key);
          } catch {
            // keep raw
          }
          parts.push({ kind: 'query', key, start: restStart + pos + eq + 1, end: restStart + amp, provider, providerId });
        }
        pos = amp + 1;
      }
    }
  }
  return parts;
}

const KV_PASSWORD_RE = /(?:^|;)\s*(password|pwd)\s*=\s*([^;]{1,256})/gi;

/** `Server=db;User Id=app;Password=…;`: ADO.NET / ODBC style connection strings. */
export function findKeyValuePasswords(text: string): UrlPart[] {
  if (!text.includes(';') || !text.includes('=')) return [];
  // A connection string names its server or user too; `password = x;` alone is a statement.
  if (!/(?:^|;)\s*(?:server|data source|host|hostname|address|addr|database|initial catalog|user id|uid|user|username|dsn|driver)\s*=/i.test(text)) return [];
  const parts: UrlPart[] = [];
  KV_PASSWORD_RE.lastIndex = 0;
  for (let m = KV_PASSWORD_RE.exec(text); m; m = KV_PASSWORD_RE.exec(text)) {
    const raw = m[2]!;
    const value = raw.trimEnd();
    const start = m.index + m[0].length - raw.length;
    if (!isRealPassword(value.replace(/^["']|["']$/g, ''))) continue;
    parts.push({ kind: 'kv', key: m[1]!, start, end: start + value.length, provider: 'Connection string', providerId: 'connection-string' });
  }
  return parts;
}

function firstIndexOf(text: string, chars: readonly string[]): number {
  let best = text.length;
  for (const ch of chars) {
    const i = text.indexOf(ch);
    if (i >= 0 && i < best) best = i;
  }
  return best;
}
