/**
 * Where configs reference keychain entries: every `keyring://service/account` value (whole, or
 * after a scheme word like `Bearer`, or after `--flag=`) in the env, headers, args and URLs of
 * discovered servers. Used to show "referenced by" and to warn before deleting an entry.
 */
import type { ClientConfig, SourceRange } from '../model';
import { parseKeyringReference } from './keychain';

export interface KeyringReferenceSite {
  service: string;
  account: string;
  /** Absolute config path, server name and the key (env/header name, or `args[i]`). */
  file: string;
  server: string;
  key: string;
  range: SourceRange;
}

const EMBEDDED = /keyring:\/\/[^\s"'`,;]+/;

export function findKeyringReferences(configs: readonly ClientConfig[]): KeyringReferenceSite[] {
  const sites: KeyringReferenceSite[] = [];
  const check = (config: ClientConfig, server: string, key: string, value: string, range: SourceRange) => {
    const found = EMBEDDED.exec(value);
    const reference = found && parseKeyringReference(found[0]);
    if (reference) sites.push({ ...reference, file: config.path, server, key, range });
  };
  for (const config of configs) {
    for (const server of config.servers) {
      for (const entry of [...server.env, ...server.headers]) check(config, server.name, entry.key, entry.value, entry.range);
      server.args.forEach((arg, i) => check(config, server.name, `args[${i}]`, arg.value, arg.range));
      if (server.url) check(config, server.name, 'url', server.url.value, server.url.range);
    }
  }
  return sites;
}
