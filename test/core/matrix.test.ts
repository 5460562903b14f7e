// Principal matrix, pure parts: expectations, classification of every denial shape
// (research/authz.md §2.6), scrubbing, the issuer's tokens (each hostile token's defect),
// argument generation, the matrix file loader (positions, schema) and the reporters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import { cellPasses, classify, excerpt, expectationFor, looksLikeAuthDenial, looksLikeUnknownTool, scrub } from '../../src/core/matrix/classify';
import { startIssuer, unionPrincipal } from '../../src/core/matrix/issuer';
import { argsFromInputSchema } from '../../src/core/matrix/args';
import { loadMatrixFile, parseMatrixText } from '../../src/core/matrix/load';
import { matrixToJson, matrixToJUnit, matrixToText } from '../../src/core/matrix/report';
import { expandPlaceholders } from '../../src/core/matrix/run';
import { HOSTILE_PRINCIPALS, type MatrixConfig, type MatrixResult } from '../../src/core/matrix/types';

const root = join(__dirname, '..', '..');
const config: MatrixConfig = {
  server: { transport: 'stdio', command: 'node' },
  principals: { reader: { sub: 'alice', scopes: ['notes:read'] }, admin: { sub: 'root', scopes: ['notes:read', 'notes:write'], claims: { role: 'admin' } } },
  tools: {
    read_note: { allow: ['reader', 'admin'] },
    delete_note: { allow: ['admin'] },
    health: { public: true },
    described: { args: { x: 1 } },
  },
};

test('expectations: allow list, not in allow list, hostile, public, unnamed tools', () => {
  assert.equal(expectationFor(config, 'reader', 'read_note').expected, 'allow');
  assert.equal(expectationFor(config, 'reader', 'delete_note').expected, 'deny');
  assert.equal(expectationFor(config, 'admin', 'delete_note').expected, 'allow');
  for (const h of HOSTILE_PRINCIPALS) {
    assert.equal(expectationFor(config, h, 'read_note').expected, 'deny', h);
    assert.equal(expectationFor(config, h, 'not_in_file').expected, 'deny', `${h} × unnamed tool`);
  }
  assert.equal(expectationFor(config, 'reader', 'health').expected, 'allow');
  assert.equal(expectationFor(config, 'anonymous', 'health').expected, 'allow');
  assert.equal(expectationFor(config, 'expired', 'health').expected, 'none', 'refusing an invalid token on a public tool is fine too');
  assert.equal(expectationFor(config, 'reader', 'not_in_file').expected, 'none');
  assert.equal(expectationFor(config, 'reader', 'described').expected, 'none');
  assert.ok(cellPasses('none', 'error'));
  assert.ok(cellPasses('deny', 'skipped'));
  assert.ok(!cellPasses('deny', 'allow'));
  assert.ok(!cellPasses('allow', 'timeout'));
});

test('classification: every denial shape of authz.md §2.6 is a deny, with the reason recorded', () => {
  const cases: Array<[Parameters<typeof classify>[0], string, RegExp]> = [
    [{ listed: undefined, httpStatus: 401, wwwAuthenticate: 'Bearer error="invalid_token"', error: { kind: 'http', message: 'Error POSTing to endpoint (HTTP 401)' } }, 'deny', /^HTTP 401; WWW-Authenticate: Bearer error="invalid_token"/],
    [{ listed: true, httpStatus: 403, wwwAuthenticate: 'Bearer error="insufficient_scope", scope="notes:write"', error: { kind: 'http', message: 'HTTP 403' } }, 'deny', /HTTP 403.*insufficient_scope/],
    [{ listed: true, result: { isError: true, text: 'Forbidden: missing scope notes:write' } }, 'deny', /^isError: Forbidden/],
    [{ listed: true, result: { isError: true, text: 'Unauthorized' } }, 'deny', /isError/],
    [{ listed: true, result: { isError: true, text: 'Error: Access denied for user bob' } }, 'deny', /isError/],
    [{ listed: true, error: { kind: 'jsonrpc', code: -32003, message: 'MCP error -32003: MCP error -32003: insufficient_scope: docs:write required' } }, 'deny', /^JSON-RPC error -32003: insufficient_scope: docs:write required$/],
    [{ listed: true, error: { kind: 'jsonrpc', code: -32001, message: 'Authentication required' } }, 'deny', /JSON-RPC/],
    [{ listed: true, error: { kind: 'jsonrpc', code: -32600, message: 'AuthorizationError: role admin required' } }, 'deny', /JSON-RPC/],
    [{ listed: false, error: { kind: 'jsonrpc', code: -32602, message: 'MCP error -32602: Tool delete_note not found' } }, 'deny', /unknown on call \(tool hidden from tools\/list\)/],
    [{ listed: false, result: { isError: true, text: 'Unknown tool: delete_note' } }, 'deny', /unknown tool/],
    [{ listed: true, result: { isError: false, text: 'Deleted n2' } }, 'allow', /^result: Deleted n2/],
    [{ listed: false, result: { text: 'Deleted n2' } }, 'allow', /although \(tool hidden/],
    [{ listed: true, result: { isError: true, text: 'Note n9 not found' } }, 'error', /not about authorization/],
    [{ listed: true, error: { kind: 'jsonrpc', code: -32602, message: 'Invalid arguments for tool read_note' } }, 'error', /JSON-RPC error -32602/],
    [{ listed: true, error: { kind: 'timeout', code: -32001, message: 'no response within 100 ms' } }, 'timeout', /no response/],
    [{ listed: true, error: { kind: 'crash', message: 'server process exit code 3 during the call' } }, 'error', /server crashed/],
    [{ listed: true, httpStatus: 500, error: { kind: 'http', message: 'Error POSTing to endpoint (HTTP 500)' } }, 'error', /HTTP 500/],
  ];
  for (const [obs, actual, detail] of cases) {
    const c = classify(obs, 'delete_note');
    assert.equal(c.actual, actual, JSON.stringify(obs));
    assert.match(c.detail, detail, JSON.stringify(obs));
  }
  assert.ok(looksLikeUnknownTool('Tool admin_purge not found', 'admin_purge'));
  assert.ok(!looksLikeUnknownTool('Note n1 not found', 'read_note'));
  assert.ok(looksLikeAuthDenial('JWTExpired: "exp" claim timestamp check failed'));
  assert.ok(!looksLikeAuthDenial('Method not allowed'));
});

test('scrubbing: no JWT or bearer credential survives in a detail', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
  const text = `bad token ${jwt} and Authorization: Bearer abcdefghijklmnop1234 secret-xyz-123456`;
  const out = scrub(text, ['secret-xyz-123456']);
  assert.ok(!out.includes(jwt) && !out.includes('eyJ'));
  assert.ok(!out.includes('abcdefghijklmnop1234'));
  assert.ok(!out.includes('secret-xyz-123456'));
  assert.match(scrub('Bearer error="invalid_token"'), /Bearer error="invalid_token"/);
  const c = classify({ listed: true, result: { isError: true, text: `Unauthorized: token ${jwt} expired` } }, 't');
  assert.ok(!c.detail.includes('eyJ'));
  assert.ok(excerpt('x'.repeat(1000)).length <= 201);
});

test('issuer: JWKS and both discovery documents on 127.0.0.1, tokens with every claim, each hostile defect', async () => {
  const jose = await import('jose');
  const issuer = await startIssuer();
  try {
    assert.match(issuer.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const doc of ['openid-configuration', 'oauth-authorization-server']) {
      const meta = (await (await fetch(`${issuer.issuer}/.well-known/${doc}`)).json()) as Record<string, unknown>;
      assert.equal(meta.issuer, issuer.issuer, doc);
      assert.equal(meta.jwks_uri, issuer.jwksUri, doc);
    }
    const jwks = jose.createRemoteJWKSet(new URL(issuer.jwksUri));
    const audience = 'http://127.0.0.1:1234/mcp';
    const admin = config.principals.admin!;
    const token = await issuer.mint(admin, { audience, ttlMinutes: 5 });
    const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { issuer: issuer.issuer, audience });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'root');
    assert.equal(payload.scope, 'notes:read notes:write');
    assert.equal(payload.role, 'admin');
    assert.equal(typeof payload.jti, 'string');
    assert.equal(payload.client_id, 'mcp-secure-matrix');
    assert.ok(payload.exp! - payload.iat! <= 5 * 60 && payload.exp! > Date.now() / 1000, 'short-lived');

    const union = unionPrincipal(config.principals);
    assert.deepEqual(union.scopes!.sort(), ['notes:read', 'notes:write']);
    assert.equal(union.claims!.role, 'admin');
    const hostile = async (k: (typeof HOSTILE_PRINCIPALS)[number]) => (await issuer.mintHostile(k, union, audience))!;
    assert.equal(await issuer.mintHostile('anonymous', union, audience), undefined);
    const verify = (t: string) => jose.jwtVerify(t, jwks, { issuer: issuer.issuer, audience });

    for (const k of ['expired', 'wrong-audience', 'wrong-issuer', 'bad-signature', 'alg-none'] as const) {
      const t = await hostile(k);
      const claims = jose.decodeJwt(t);
      assert.equal(claims.scope, 'notes:read notes:write', `${k} carries the union of scopes`);
      assert.equal(claims.role, 'admin', `${k} carries the union of claims`);
    }
    const expired = await hostile('expired');
    assert.ok(jose.decodeJwt(expired).exp! < Date.now() / 1000 - 60);
    await assert.rejects(verify(expired), /exp/);
    const wrongAud = await hostile('wrong-audience');
    assert.notEqual(jose.decodeJwt(wrongAud).aud, audience);
    await assert.rejects(verify(wrongAud), /aud/);
    await jose.jwtVerify(wrongAud, jwks, { issuer: issuer.issuer }); // only the audience is wrong
    const wrongIss = await hostile('wrong-issuer');
    assert.notEqual(jose.decodeJwt(wrongIss).iss, issuer.issuer);
    await assert.rejects(verify(wrongIss), /iss/);
    await jose.jwtVerify(wrongIss, jwks, { audience }); // signed by our key
    const badSig = await hostile('bad-signature');
    await assert.rejects(verify(badSig), /signature/);
    assert.equal(jose.decodeJwt(badSig).iss, issuer.issuer);
    const none = await hostile('alg-none');
    assert.equal(jose.decodeProtectedHeader(none).alg, 'none');
    assert.ok(none.endsWith('.'), 'unsigned: empty signature');
    assert.equal(jose.decodeJwt(none).aud, audience);
    await assert.rejects(verify(none));
  } finally {
    await issuer.close();
  }
});

test('arguments generated from input schemas fill in the required properties only', () => {
  assert.deepEqual(argsFromInputSchema({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] }), { a: 1, b: 1 });
  assert.deepEqual(argsFromInputSchema({ type: 'object', properties: { opt: { type: 'string' } } }), {});
  const args = argsFromInputSchema({
    type: 'object',
    required: ['s', 'e', 'n', 'arr', 'o', 'd', 'u', 'b'],
    properties: {
      s: { type: 'string', minLength: 30 },
      e: { type: 'string', enum: ['x', 'y'] },
      n: { type: 'integer', minimum: 5, maximum: 9 },
      arr: { type: 'array', items: { type: 'string' }, minItems: 2 },
      o: { type: 'object', properties: { k: { type: 'boolean' } }, required: ['k'] },
      d: { type: 'string', default: 'dflt' },
      u: { anyOf: [{ type: 'null' }, { type: 'string', format: 'uri' }] },
      b: { type: ['boolean', 'null'] },
    },
  });
  assert.equal((args.s as string).length, 30);
  assert.equal(args.e, 'x');
  assert.equal(args.n, 5);
  assert.deepEqual(args.arr, ['mcp-secure-matrix', 'mcp-secure-matrix']);
  assert.deepEqual(args.o, { k: false });
  assert.equal(args.d, 'dflt');
  assert.equal(args.u, 'https://example.com/');
  assert.equal(args.b, false);
  assert.deepEqual(argsFromInputSchema(undefined), {});
});

test('placeholders expand in strings', () => {
  assert.equal(expandPlaceholders('http://127.0.0.1:${port}/mcp ${issuer} ${jwksUri} ${audience} ${other}', { port: '1', issuer: 'I', jwksUri: 'J', audience: 'A' }), 'http://127.0.0.1:1/mcp I J A ${other}');
});

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas', 'mcp-matrix.schema.json'), 'utf8')));

test('the demo matrix file and the test fixtures load clean and satisfy the JSON Schema', () => {
  for (const file of ['examples/demo-workspace/mcp-matrix.json', 'test/fixtures/matrix/docs-matrix.json', 'test/fixtures/matrix/everything-matrix.json']) {
    const { config: c, problems } = loadMatrixFile(join(root, file));
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), [], file);
    assert.ok(c, file);
    assert.ok(validateSchema(parseJsonc(readFileSync(join(root, file), 'utf8'))), `${file}: ${JSON.stringify(validateSchema.errors)}`);
  }
});

test('matrix file problems: clear messages with 1-based positions, and the schema agrees', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['{ "server": { "transport": "stdio", "command": "node" }, "principals": {} ', /JSON syntax error/, 1],
    ['{\n  "server": { "transport": "ws", "command": "node" },\n  "principals": {}\n}', /server\.transport: must be "stdio" or "http"/, 2],
    ['{\n  "server": { "transport": "http", "command": "node" },\n  "principals": {}\n}', /server\.url: is required/, 2],
    ['{\n  "server": { "transport": "http", "command": "node", "url": "https://example.com/mcp" },\n  "principals": {}\n}', /127\.0\.0\.1/, 2],
    ['{\n  "server": { "transport": "stdio", "command": "node" },\n  "principals": {\n    "anonymous": { "sub": "x" }\n  }\n}', /built-in hostile principal/, 4],
    ['{\n  "server": { "transport": "stdio", "command": "node" },\n  "principals": { "r": { "scopes": ["a"] } }\n}', /principals\.r\.sub: is required/, 3],
    ['{\n  "server": { "transport": "stdio", "command": "node" },\n  "principals": { "r": { "sub": "a" } },\n  "tools": { "t": {\n    "allow": ["r", "ghost"] } }\n}', /unknown principal "ghost"/, 5],
    ['{\n  "server": { "transport": "stdio", "command": "node" },\n  "principals": { "r": { "sub": "a" } },\n  "tools": { "t": { "alow": ["r"] } }\n}', /tools\.t\.alow: unknown property/, 4],
    ['{\n  "server": { "transport": "stdio", "command": "node" },\n  "principals": { "r": { "sub": "a", "claims": { "aud": "x" } } }\n}', /set by the harness/, 3],
    ['{\n  "server": { "transport": "stdio", "command": "node", "startupTimeoutMs": -5 },\n  "principals": {}\n}', /startupTimeoutMs: must be an integer/, 2],
    ['[]', /must be a JSON object/, 1],
  ];
  for (const [text, message, line] of cases) {
    const { config: c, problems } = parseMatrixText(text);
    const errors = problems.filter((p) => p.severity === 'error');
    assert.equal(c, undefined, text);
    const hit = errors.find((p) => message.test(p.message));
    assert.ok(hit, `${text}\n→ ${JSON.stringify(errors)}`);
    assert.equal(hit!.line, line, `${hit!.message}`);
    const value = parseJsonc(text);
    if (!/JSON syntax/.test(String(message)) && !/unknown principal/.test(String(message))) {
      assert.equal(validateSchema(value), false, `schema should reject too: ${text}`);
    }
  }
  // Comments and trailing commas are fine (JSONC).
  const ok = parseMatrixText('{ // c\n "server": { "transport": "stdio", "command": "node", "tokenEnv": "T", }, "principals": { "a": { "sub": "x" }, }, }');
  assert.deepEqual(ok.problems, []);
  assert.ok(ok.config);
});

function sampleResult(): MatrixResult {
  return {
    server: { transport: 'http', command: 'node', url: 'http://127.0.0.1:1/mcp' },
    principals: ['reader', 'anonymous'],
    tools: ['read_note', 'delete_<note>'],
    cells: [
      { principal: 'reader', tool: 'read_note', expected: 'allow', actual: 'allow', pass: true, detail: 'result: ok', hostile: false, durationMs: 3 },
      { principal: 'reader', tool: 'delete_<note>', expected: 'deny', actual: 'allow', pass: false, detail: 'result: Deleted & gone', hostile: false, durationMs: 4 },
      { principal: 'anonymous', tool: 'read_note', expected: 'deny', actual: 'deny', pass: true, detail: 'HTTP 401', hostile: true, durationMs: 1 },
      { principal: 'anonymous', tool: 'delete_<note>', expected: 'deny', actual: 'skipped', pass: true, detail: 'destructive', hostile: true, durationMs: 0 },
    ],
    summary: { total: 4, passed: 3, failed: 1, skipped: 1, noExpectation: 0, durationMs: 50 },
    notes: [],
  };
}

test('reporters: JSON keeps the DESIGN shape, text shows the grid and mismatches, JUnit is well-formed', () => {
  const r = sampleResult();
  const json = matrixToJson(r) as { cells: Array<Record<string, unknown>>; summary: Record<string, number> };
  for (const cell of json.cells) for (const k of ['principal', 'tool', 'expected', 'actual', 'pass', 'detail']) assert.ok(k in cell, k);
  assert.deepEqual({ total: json.summary.total, passed: json.summary.passed, failed: json.summary.failed }, { total: 4, passed: 3, failed: 1 });
  const text = matrixToText(r);
  assert.match(text, /Mismatches \(1\):\n {2}✗ reader × delete_<note>: expected deny, got allow/);
  assert.match(text, /4 cells: 3 as expected, 1 mismatched, 1 skipped/);
  const junit = matrixToJUnit(r);
  assert.match(junit, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  assert.match(junit, /<testsuite name="delete_&lt;note&gt;" tests="2" failures="1" errors="0" skipped="1"/);
  assert.match(junit, /<failure message="expected deny, got allow" type="UnexpectedAllow">expected deny, got allow\nresult: Deleted &amp; gone<\/failure>/);
  assert.match(junit, /<skipped message="destructive"\/>/);
  // Balanced tags.
  const opens = (junit.match(/<testcase /g) ?? []).length;
  assert.equal(opens, (junit.match(/<\/testcase>/g) ?? []).length);
  assert.equal(opens, 4);
  assert.equal((junit.match(/<testsuite /g) ?? []).length, (junit.match(/<\/testsuite>/g) ?? []).length);
});
