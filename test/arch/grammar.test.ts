// The TextMate injection grammar: valid JSON, and its patterns match what they claim to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'mcp-secure.injection.tmLanguage.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('package.json contributes the injection grammar at its path and scope', () => {
  const contributed = manifest.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === grammar.scopeName);
  assert.ok(contributed);
  assert.equal(contributed.path, './syntaxes/mcp-secure.injection.tmLanguage.json');
});

test('keyring references and ignore directives are matched; look-alikes are not', () => {
  // TextMate uses Oniguruma; these patterns use only syntax JS shares with it.
  const keyring = new RegExp(grammar.repository['keyring-reference'].match);
  const match = keyring.exec('"GITHUB_TOKEN": "keyring://mcp-secure/github/GITHUB_TOKEN",');
  assert.deepEqual(match?.slice(1), ['keyring://', 'mcp-secure', '/', 'github/GITHUB_TOKEN']);
  assert.equal(keyring.exec('"url": "https://keyring.example/x"'), null);
  const ignore = new RegExp(grammar.repository['ignore-directive'].match);
  assert.deepEqual(ignore.exec('// mcp-secure-ignore MCPS201 reviewed: stdio only')?.slice(1), ['mcp-secure-ignore', 'MCPS201']);
});
