import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl, redactValue } from '../../src/core/util/redact';

test('redactUrl masks userinfo passwords and credential query values, and nothing else', () => {
  assert.equal(redactUrl('https://mcp.stripe.com'), 'https://mcp.stripe.com');
  assert.equal(redactUrl('https://bot:s3cr3t-Pa55@ci.example.dev/mcp'), 'https://bot:***@ci.example.dev/mcp');
  assert.equal(redactUrl('https://mcp.exa.ai/mcp?exaApiKey=0f1e2d3c&mode=fast#top'), 'https://mcp.exa.ai/mcp?exaApiKey=***&mode=fast#top');
  assert.equal(redactUrl('postgres://app:hunter2@db:5432/app?sslmode=require'), 'postgres://app:***@db:5432/app?sslmode=require');
  assert.equal(redactUrl('http://127.0.0.1:3000/mcp?access_token=abc&session=xyz'), 'http://127.0.0.1:3000/mcp?access_token=***&session=***');
  assert.equal(redactUrl('https://user@host/x'), 'https://user@host/x');
  assert.equal(redactUrl('not a url: a:b@c'), 'not a url: a:b@c');
});

test('redactValue keeps at most a short prefix and the last 4 characters', () => {
  const secret = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
  const shown = redactValue(secret);
  assert.ok(shown.endsWith('q7R8'));
  assert.ok(shown.length <= 9, shown);
  assert.ok(!shown.includes(secret.slice(4, 12)));
  assert.equal(redactValue('short'), '…');
});
