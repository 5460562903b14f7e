// Data-driven rule validation (like gitleaks' Validate): every rule's true-positive samples
// produce a match of that rule and its false-positive samples do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPatternMatches } from '../../src/core/secrets/detect';
import { CONTEXT_RULES, PATTERN_RULES } from '../../src/core/secrets/providers';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';
import { scanTextForSecrets } from '../../src/core/secrets/scanText';
import { STRUCTURAL_DETECTORS } from '../../src/core/secrets/structural';
import { RULES_BY_ID } from '../../src/core/rules';

const SEEDS = ['rules-a', 'rules-b', 'rules-c'];

function expansions(template: string): string[] {
  return SEEDS.map((seed) => expandSample(template, new SeededRandom(`${seed}:${template}`)));
}

test('rule table: ids are unique, rule ids are registered, every reportable rule has samples', () => {
  const ids = [...PATTERN_RULES.map((r) => r.id), ...CONTEXT_RULES.map((r) => r.id), ...STRUCTURAL_DETECTORS.map((r) => r.id)];
  assert.equal(new Set(ids).size, ids.length, 'duplicate detector id');
  for (const rule of [...PATTERN_RULES, ...CONTEXT_RULES, ...STRUCTURAL_DETECTORS]) {
    assert.ok(RULES_BY_ID.get(rule.ruleId)?.category === 'secret', `${rule.id}: ${rule.ruleId} is not a registered secret rule`);
    if ('anchorOnly' in rule && rule.anchorOnly) continue;
    assert.ok(rule.tps.length > 0, `${rule.id}: no true-positive samples`);
  }
});

test('rule table: regexes are global, without inline modifiers, with literal keywords', () => {
  for (const rule of PATTERN_RULES) {
    assert.equal(rule.regex.flags, 'g', `${rule.id}: flags must be exactly "g"`);
    assert.ok(!/\(\?[imsx-]+[:)]/.test(rule.regex.source), `${rule.id}: inline modifier group`);
    assert.ok(rule.keywords.length > 0, `${rule.id}: no keywords`);
    // Keywords are matched as written (the regexes are case-sensitive); the prefilter needs two ASCII characters.
    for (const k of rule.keywords) assert.match(k, /^[\x20-\x7e]{2,}$/, `${rule.id}: keyword ${JSON.stringify(k)}`);
  }
});

for (const rule of PATTERN_RULES) {
  if (rule.anchorOnly) continue;
  test(`pattern rule ${rule.id} (${rule.provider})`, () => {
    for (const template of rule.tps) {
      for (const sample of expansions(template)) {
        const found = findPatternMatches(sample).matches.filter((m) => m.detector === rule.id);
        assert.equal(found.length, 1, `${rule.id}: expected one match in tp ${JSON.stringify(template)}`);
        // Every keyword-gated rule must see its own keyword, exactly as written, in its own match.
        const matched = sample.slice(found[0]!.start, found[0]!.end);
        assert.ok(rule.keywords.some((k) => matched.includes(k)), `${rule.id}: no keyword in its match`);
        // And the end-to-end scan reports it (possibly under a more specific rule of the same provider).
        const scanned = scanTextForSecrets(sample, 'plain');
        assert.ok(
          scanned.some((m) => m.start === found[0]!.start && m.providerId === (found[0]!.providerId)),
          `${rule.id}: scanTextForSecrets lost the match in ${JSON.stringify(template)}: ${JSON.stringify(scanned.map((m) => m.detector))}`,
        );
      }
    }
    for (const template of rule.fps) {
      for (const sample of expansions(template)) {
        const found = findPatternMatches(sample).matches.filter((m) => m.detector === rule.id);
        assert.equal(found.length, 0, `${rule.id}: fp matched: ${JSON.stringify(template)}`);
      }
    }
  });
}

for (const rule of CONTEXT_RULES) {
  test(`context rule ${rule.id} (${rule.provider})`, () => {
    for (const template of rule.tps) {
      for (const sample of expansions(template)) {
        const found = scanTextForSecrets(sample, 'dotenv').filter((m) => m.detector === rule.id);
        assert.equal(found.length, 1, `${rule.id}: expected one match in tp ${JSON.stringify(template)}`);
      }
    }
    for (const template of rule.fps) {
      for (const sample of expansions(template)) {
        const found = scanTextForSecrets(sample, 'dotenv').filter((m) => m.detector === rule.id);
        assert.equal(found.length, 0, `${rule.id}: fp matched: ${JSON.stringify(template)}`);
      }
    }
  });
}

for (const detector of STRUCTURAL_DETECTORS) {
  test(`structural detector ${detector.id}`, () => {
    for (const template of detector.tps) {
      for (const sample of expansions(template)) {
        const found = scanTextForSecrets(sample, 'plain').filter((m) => m.detector === detector.id);
        assert.equal(found.length, 1, `${detector.id}: expected one match in tp ${JSON.stringify(template)}: got ${JSON.stringify(scanTextForSecrets(sample, 'plain').map((m) => m.detector))}`);
        assert.equal(found[0]!.ruleId, detector.ruleId);
      }
    }
    for (const template of detector.fps) {
      for (const sample of expansions(template)) {
        const found = scanTextForSecrets(sample, 'plain');
        assert.deepEqual(found.map((m) => m.detector), [], `${detector.id}: fp produced a finding: ${JSON.stringify(template)}`);
      }
    }
  });
}
