// Corpus test: planted fake secrets across many providers plus hard negatives, in .env,
// source and plain-text files. Reports precision and recall; fails below 0.95 either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanTextForSecrets, type TextKind } from '../../src/core/secrets';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';

interface Manifest {
  seed: string;
  files: Array<{ path: string; kind: TextKind }>;
  planted: Array<{ file: string; line: number; providerId: string; ruleId: string }>;
  negatives: Array<{ file: string; line: number }>;
}

const dir = join(__dirname, '..', 'fixtures', 'secrets');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

test('corpus: precision and recall of the secret scanner', () => {
  const providers = new Set(manifest.planted.map((p) => p.providerId).filter((p) => p !== 'generic'));
  assert.ok(manifest.planted.length >= 60, 'at least 60 planted secrets');
  assert.ok(providers.size >= 20, 'at least 20 providers');
  assert.ok(manifest.negatives.length >= 40, 'at least 40 hard negatives');

  const expected = new Map(manifest.planted.map((p) => [`${p.file}:${p.line}`, p]));
  const hit = new Set<string>();
  const falsePositives: string[] = [];
  const wrongProvider: string[] = [];
  let findings = 0;
  for (const file of manifest.files) {
    const template = readFileSync(join(dir, file.path), 'utf8');
    const text = expandSample(template, new SeededRandom(`${manifest.seed}:${file.path}`));
    assert.equal(text.split('\n').length, template.split('\n').length, `${file.path}: expansion must not add lines`);
    for (const m of scanTextForSecrets(text, file.kind)) {
      findings++;
      const id = `${file.path}:${m.line}`;
      const want = expected.get(id);
      if (!want || hit.has(id)) {
        falsePositives.push(`${id} ${m.detector} ${m.key ?? ''}`);
      } else if (want.providerId !== m.providerId || want.ruleId !== m.ruleId) {
        wrongProvider.push(`${id} expected ${want.providerId}/${want.ruleId}, got ${m.providerId}/${m.ruleId} (${m.detector})`);
        falsePositives.push(`${id} ${m.detector}`);
      } else {
        hit.add(id);
      }
    }
  }
  const missed = manifest.planted.filter((p) => !hit.has(`${p.file}:${p.line}`)).map((p) => `${p.file}:${p.line} ${p.providerId}`);
  const precision = findings === 0 ? 0 : hit.size / findings;
  const recall = hit.size / manifest.planted.length;
  console.log(
    `secret corpus: ${manifest.planted.length} planted secrets (${providers.size} providers + generic), ` +
      `${manifest.negatives.length} hard negatives, ${findings} findings → precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
  );
  if (missed.length) console.log(`  missed: ${missed.join('; ')}`);
  if (falsePositives.length) console.log(`  false positives: ${falsePositives.join('; ')}`);
  if (wrongProvider.length) console.log(`  wrong provider: ${wrongProvider.join('; ')}`);
  assert.ok(precision >= 0.95, `precision ${precision.toFixed(3)} < 0.95`);
  assert.ok(recall >= 0.95, `recall ${recall.toFixed(3)} < 0.95`);
});
