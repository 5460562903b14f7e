import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientConfig } from '../../src/core/discovery/clients';
import { findKeyringReferences } from '../../src/core/keychain/references';
import { accountName, parseKeyringReference, uniqueAccount } from '../../src/core/keychain/keychain';

test('references are found in env, headers (after Bearer), args (after --flag=) and urls', () => {
  const text = JSON.stringify({
    mcpServers: {
      github: { command: '/home/u/.local/share/mcp-secure/bin/mcp-secure-run', args: ['--', 'npx', '--api-key=keyring://mcp-secure/github/--api-key'], env: { GITHUB_TOKEN: 'keyring://mcp-secure/github/GITHUB_TOKEN', PLAIN: 'x' } },
      remote: { url: 'https://x.example/mcp', headers: { Authorization: 'Bearer keyring://mcp-secure/remote/Authorization' } },
    },
  }, null, 2);
  const config = parseClientConfig(text, { path: '/w/.mcp.json', client: 'claude-code', scope: 'workspace', format: 'json', shape: 'dot-mcp-json', shared: false });
  const sites = findKeyringReferences([config]);
  assert.deepEqual(sites.map((s) => [s.server, s.key, s.account]), [
    ['github', 'GITHUB_TOKEN', 'github/GITHUB_TOKEN'],
    ['github', 'args[2]', 'github/--api-key'],
    ['remote', 'Authorization', 'remote/Authorization'],
  ]);
  const site = sites[0]!;
  assert.equal(text.slice(site.range.start.offset, site.range.end.offset), '"keyring://mcp-secure/github/GITHUB_TOKEN"');
});

test('account names are safe in a reference and made unique', () => {
  assert.equal(accountName('my server', 'API KEY/2'), 'my-server/API-KEY-2');
  assert.equal(uniqueAccount('a/B', new Set(['a/B', 'a/B-2'])), 'a/B-3');
  assert.deepEqual(parseKeyringReference('keyring://mcp-secure/a/B'), { service: 'mcp-secure', account: 'a/B' });
  assert.equal(parseKeyringReference('keyring://only-service'), undefined);
  assert.equal(parseKeyringReference('prefix keyring://s/a'), undefined);
});
