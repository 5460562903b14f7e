// Architecture invariants: src/core is pure (never imports 'vscode', the CLI or the
// extension, never calls process.exit or console.*), and every rule has its docs page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RULES, ruleDocPath } from '../../src/core/rules';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const FORBIDDEN_IN_CORE: Array<[RegExp, string]> = [
  [/\bfrom\s+['"]vscode['"]|\brequire\(\s*['"]vscode['"]\s*\)|\bimport\(\s*['"]vscode['"]\s*\)/, "imports 'vscode'"],
  [/\bfrom\s+['"]\.\.\/(\.\.\/)*(extension|cli)\//, 'imports an adapter (src/extension or src/cli)'],
  [/\bprocess\.exit\s*\(/, 'calls process.exit'],
  [/\bconsole\.(log|error|warn|info|debug)\s*\(/, 'writes to the console'],
];

test('src/core never imports vscode or the adapters, never exits, never logs to the console', () => {
  const files = sourceFiles(join(root, 'src', 'core'));
  assert.ok(files.length > 5, 'expected core sources to check');
  const violations: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of FORBIDDEN_IN_CORE) {
      if (pattern.test(text)) violations.push(`${relative(root, file)} ${what}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the layering check itself catches a vscode import', () => {
  const [pattern] = FORBIDDEN_IN_CORE[0]!;
  assert.ok(pattern.test("import * as vscode from 'vscode';"));
  assert.ok(pattern.test("const vscode = require('vscode');"));
  assert.ok(!pattern.test("import { x } from './vscodeish';"));
});

test('every rule has a documentation page with what, why, how to fix and an example', () => {
  for (const rule of RULES) {
    const doc = join(root, ruleDocPath(rule.id));
    assert.ok(existsSync(doc), `${rule.id}: missing ${ruleDocPath(rule.id)}`);
    const text = readFileSync(doc, 'utf8');
    assert.match(text, new RegExp(`^# ${rule.id}\\b`), `${rule.id}: page must start with its id`);
    for (const section of ['## What it reports', '## Why it matters', '## How to fix', '## Example']) {
      assert.ok(text.includes(section), `${rule.id}: page lacks "${section}"`);
    }
  }
});
