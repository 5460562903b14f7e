import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions, findSuppressions } from '../../src/core/suppress';
import type { Finding } from '../../src/core/model';
import { LineStarts } from '../../src/core/util/positions';
import { parseProjectSettings } from '../../src/core/settings/projectSettings';

function findingAt(text: string, line: number, ruleId = 'MCPS101'): Finding {
  const lines = new LineStarts(text);
  const start = lines.lineStart(line);
  return { ruleId, category: 'secret', severity: 'error', file: '/x', range: lines.range(start, start + 1), message: 'Plaintext key', fingerprint: 'f' };
}

test('a suppression with a reason applies to the next non-comment line, for the named rules only', () => {
  const text = [
    '{',
    '  // mcp-secure-ignore MCPS101 test fixture, never deployed',
    '  // another comment',
    '  "KEY": "value",',
    '  "OTHER": "value"',
    '}',
  ].join('\n');
  assert.deepEqual(findSuppressions(text).map((s) => [s.line, s.target, s.ruleIds, s.reason]), [[2, 4, ['MCPS101'], 'test fixture, never deployed']]);
  const { kept, suppressed } = applySuppressions([findingAt(text, 4), findingAt(text, 4, 'MCPS102'), findingAt(text, 5)], text);
  assert.deepEqual(suppressed.map((f) => [f.ruleId, f.range.start.line]), [['MCPS101', 4]]);
  assert.deepEqual(kept.map((f) => [f.ruleId, f.range.start.line]), [['MCPS102', 4], ['MCPS101', 5]]);
});

test('hash comments and several rule ids work; a suppression without a reason does not apply', () => {
  const text = '# mcp-secure-ignore MCPS101, MCPS104 rotated weekly by CI\nA=1\n# mcp-secure-ignore MCPS101\nB=2\n';
  const { kept, suppressed } = applySuppressions([findingAt(text, 2), findingAt(text, 2, 'MCPS104'), findingAt(text, 4)], text);
  assert.equal(suppressed.length, 2);
  assert.equal(kept.length, 1);
  assert.match(kept[0]!.message, /has no reason/);
});

test("the quick fix's <reason: …> template is not a reason until it is replaced", () => {
  const text = '    // mcp-secure-ignore MCPS201 <reason: why this tool needs no per-caller check>\n    server.tool("x")\n    // mcp-secure-ignore MCPS201 local demo only <not exposed>\n    server.tool("y")\n';
  const { kept, suppressed } = applySuppressions([findingAt(text, 2, 'MCPS201'), findingAt(text, 4, 'MCPS201')], text);
  assert.deepEqual(kept.map((f) => f.range.start.line), [2]);
  assert.match(kept[0]!.message, /placeholder instead of a reason/);
  assert.deepEqual(suppressed.map((f) => f.range.start.line), [4]);
});

test('the directive inside a string is not a suppression', () => {
  const text = '{ "note": "mcp-secure-ignore MCPS101 nope",\n  "KEY": "v" }';
  assert.deepEqual(findSuppressions(text), []);
});

test('.mcp-secure.json: valid settings parse; unknown keys, bad levels and syntax errors are problems', () => {
  const ok = parseProjectSettings('{ // team settings\n "ignore": ["fixtures/**"], "severity": { "MCPS102": "warning" }, "authorizationFunctions": ["requireScope"], }', '/p/.mcp-secure.json');
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.settings, { ignore: ['fixtures/**'], severity: { MCPS102: 'warning' }, authorizationFunctions: ['requireScope'] });
  const bad = parseProjectSettings('{ "ignor": [], "severity": { "MCPS1": "error", "MCPS102": "loud" }, "ignore": "x" }', '/p/.mcp-secure.json');
  assert.deepEqual(bad.problems.map((p) => p.message), [
    'Unknown setting "ignor" (known: ignore, severity, authorizationFunctions)',
    '"severity": "MCPS1" is not a rule id (MCPSxxx)',
    '"severity.MCPS102" must be one of error, warning, info, off',
    '"ignore" must be a list of strings',
  ]);
  const broken = parseProjectSettings('{ "ignore": [ }', '/p/.mcp-secure.json');
  assert.equal(broken.problems[0]?.range?.start.line, 1);
});
