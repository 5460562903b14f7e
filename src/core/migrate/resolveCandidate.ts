/**
 * Which client reads a config file given by path (the CLI's `migrate <file>`): an exact
 * user-level location of this machine, else a workspace location matched by its trailing
 * path segments, else a file name one client uses; `client` narrows or overrides the guess.
 */
import * as path from 'node:path';
import { CLIENTS, matchWorkspaceConfig, userConfigCandidates, type DiscoveryEnv } from '../discovery/clients';
import type { ConfigCandidate } from '../discovery/configParse';
import type { ClientId } from '../model';

export interface ResolveOptions {
  denv: DiscoveryEnv;
  listDir: (dir: string) => Promise<string[]>;
  /** `--client <id>`: use this client's format for the file. */
  client?: ClientId;
}

export async function resolveConfigCandidate(file: string, options: ResolveOptions): Promise<ConfigCandidate | undefined> {
  const absolute = path.resolve(file);
  const posix = absolute.split(path.sep).join('/');
  const base = path.basename(absolute);
  const fits = (c: { client: ClientId }) => !options.client || c.client === options.client;

  const users = await userConfigCandidates(options.denv, options.listDir);
  const sameFile = (p: string) => (options.denv.platform === 'win32' ? p.toLowerCase() === absolute.toLowerCase() : p === absolute);
  const exact = users.find((c) => sameFile(c.path) && fits(c));
  if (exact) return { ...exact, path: absolute };

  const workspace = matchWorkspaceConfig(posix.replace(/^[A-Za-z]:/, '').replace(/^\/+/, ''));
  if (workspace && fits(workspace)) return { ...workspace, path: absolute };

  const byName = users.find((c) => path.basename(c.path) === base && fits(c));
  if (byName) return { ...byName, path: absolute, scope: 'user' };

  if (options.client) {
    // The client's first spec with the same extension, workspace specs first.
    const spec = CLIENTS.find((c) => c.id === options.client);
    const ext = path.extname(base).toLowerCase();
    const formats = ext === '.toml' ? ['toml'] : ext === '.yaml' || ext === '.yml' ? ['yaml'] : ['json', 'jsonc'];
    const ws = spec?.workspace.find((w) => formats.includes(w.format));
    if (ws) return { path: absolute, client: options.client, scope: 'workspace', format: ws.format, shape: ws.shape, shared: ws.shared };
    const us = spec?.user.find((u) => formats.includes(u.format));
    if (us) return { path: absolute, client: options.client, scope: us.scope, format: us.format, shape: us.shape, shared: us.shared };
  }
  return undefined;
}
