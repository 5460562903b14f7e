// References, placeholders and non-secret shapes are never reported, even under the most
// secret-sounding names; and the value API handles each config location.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSecretsInValue, scanTextForSecrets, type SecretLocation } from '../../src/core/secrets';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';

const random = new SeededRandom('placeholders');
const fill = (t: string) => expandSample(t, random);

/** [value, key, location]: each must produce no finding at all. */
const HARD_NEGATIVES: Array<[string, string, SecretLocation]> = [
  // references a client or launcher resolves
  ['${input:github_token}', 'GITHUB_TOKEN', 'env'],
  ['${env:OPENAI_API_KEY}', 'OPENAI_API_KEY', 'env'],
  ['${OPENAI_API_KEY}', 'OPENAI_API_KEY', 'env'],
  ['${OPENAI_API_KEY:-}', 'OPENAI_API_KEY', 'env'],
  ['${DB_PASSWORD:-postgres}', 'DB_PASSWORD', 'env'],
  ['$GITHUB_TOKEN', 'GITHUB_TOKEN', 'env'],
  ['%GITHUB_TOKEN%', 'GITHUB_TOKEN', 'env'],
  ['{{ secrets.api_key }}', 'API_KEY', 'setting'],
  ['${{ secrets.NPM_TOKEN }}', 'NPM_TOKEN', 'env'],
  ['{env:CONTEXT7_API_KEY}', 'CONTEXT7_API_KEY', 'header'],
  ['op://Engineering/OpenAI/credential', 'OPENAI_API_KEY', 'env'],
  ['keyring://mcp-secure/github/GITHUB_TOKEN', 'GITHUB_TOKEN', 'env'],
  ['Bearer ${input:notes_token}', 'Authorization', 'header'],
  ['Bearer $WEATHER_TOKEN', 'Authorization', 'header'],
  ['Bearer {{token}}', 'Authorization', 'header'],
  ['$(cat ~/.config/acme/token)', 'ACME_TOKEN', 'env'],
  ['@API_TOKEN@', 'API_TOKEN', 'setting'],
  // placeholders
  ['<YOUR_KEY>', 'API_KEY', 'env'],
  ['<YOUR_API_KEY>', 'X-API-Key', 'header'],
  ['[your token]', 'SLACK_TOKEN', 'env'],
  ['your-api-key-here', 'WEATHERAPI_KEY', 'env'],
  ['your_openai_api_key', 'OPENAI_API_KEY', 'env'],
  ['YOUR_GITHUB_TOKEN', 'GITHUB_TOKEN', 'env'],
  ['sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'OPENAI_API_KEY', 'env'],
  ['sk-...', 'OPENAI_API_KEY', 'env'],
  ['sk-proj-…', 'OPENAI_API_KEY', 'env'],
  ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'GITHUB_TOKEN', 'env'],
  ['xoxb-your-bot-token', 'SLACK_BOT_TOKEN', 'env'],
  ['xxxxxxxx', 'API_SECRET', 'env'],
  ['XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'CLIENT_SECRET', 'env'],
  ['changeme', 'DB_PASSWORD', 'env'],
  ['CHANGE_ME', 'JWT_SECRET', 'env'],
  ['REPLACE_ME', 'API_KEY', 'env'],
  ['replace-with-your-key', 'API_KEY', 'env'],
  ['TODO', 'API_KEY', 'env'],
  ['TODO: add key', 'API_KEY', 'env'],
  ['example', 'CLIENT_SECRET', 'env'],
  ['dummy', 'API_TOKEN', 'env'],
  ['test', 'DB_PASS', 'env'],
  ['', 'API_KEY', 'env'],
  ['   ', 'API_KEY', 'env'],
  ['***', 'PASSWORD', 'env'],
  ['********', 'PASSWORD', 'env'],
  ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'ENCRYPTION_KEY', 'env'],
  ['0000000000000000', 'API_KEY', 'env'],
  ['1234567890abcdef1234567890abcdef', 'API_KEY', 'env'],
  ['AKIAIOSFODNN7EXAMPLE', 'AWS_ACCESS_KEY_ID', 'env'],
  ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AWS_SECRET_ACCESS_KEY', 'env'],
  ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'SLACK_WEBHOOK_URL', 'env'],
  ['not-a-real-secret', 'API_SECRET', 'env'],
  ['null', 'API_TOKEN', 'setting'],
  ['false', 'PASSWORD_AUTH', 'setting'],
  // identifiers, hashes, names: not secrets under non-secret names
  [fill('<<uuid>>'), 'REQUEST_ID', 'env'],
  [fill('<<uuid>>'), 'OAUTH_CLIENT_ID', 'env'],
  [fill('<<hex:40>>'), 'GIT_SHA', 'env'],
  [fill('<<hex:64>>'), 'IMAGE_DIGEST', 'env'],
  [fill('<<hex:64>>'), 'CHECKSUM', 'setting'],
  [fill('org-<<an:24>>'), 'OPENAI_ORG_ID', 'env'],
  [fill('AC<<hex:32>>'), 'TWILIO_ACCOUNT_SID', 'env'],
  [fill('<<hex:16>>'), 'SIGNING_KEY_ID', 'env'],
  [fill('<<b64:44>>'), 'PUBLIC_KEY', 'env'],
  [fill('pk_live_<<an:99>>'), 'STRIPE_PUBLISHABLE_KEY', 'env'],
  ['LINEAR_API_KEY', 'bearer_token_env_var', 'setting'],
  ['GITHUB_PERSONAL_ACCESS_TOKEN', 'GITHUB_TOKEN', 'env'],
  // public keys and certificates
  [fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI<<b64:43>> dev@laptop'), 'SSH_KEY', 'env'],
  [fill('ssh-rsa AAAAB3NzaC1yc2E<<b64:300>> ops@bastion'), 'DEPLOY_KEY', 'env'],
  [fill('-----BEGIN PUBLIC KEY-----\n<<b64:64>>\n<<b64:64>>\n-----END PUBLIC KEY-----'), 'JWT_PUBLIC_KEY', 'env'],
  [fill('-----BEGIN CERTIFICATE-----\n<<b64:64>>\n<<b64:64>>\n-----END CERTIFICATE-----'), 'TLS_CERT', 'env'],
  // URLs without credentials, file paths, other shapes
  ['https://auth.example.com/oauth/token', 'TOKEN_URL', 'env'],
  ['https://auth.example.com/oauth/token', 'OAUTH_TOKEN_ENDPOINT', 'env'],
  ['https://example.com/.well-known/jwks.json', 'SIGNING_KEYS_URL', 'env'],
  ['https://api.githubcopilot.com/mcp/', 'url', 'url'],
  ['postgres://postgres:postgres@localhost:5432/dev', 'DATABASE_URL', 'env'],
  ['redis://localhost:6379/0', 'REDIS_URL', 'env'],
  ['amqp://guest:guest@localhost:5672/', 'AMQP_URL', 'env'],
  ['mongodb://mongo:27017/app', 'MONGO_URL', 'env'],
  ['~/.ssh/id_ed25519', 'SSH_KEY_PATH', 'env'],
  ['./keys/service.pem', 'KEY_FILE', 'env'],
  ['/run/secrets/db_password', 'DB_PASSWORD_FILE', 'env'],
  ['C:\\Users\\me\\secrets\\token.txt', 'TOKEN_FILE', 'env'],
  ['/home/dev/.config/gcloud/application_default_credentials.json', 'GOOGLE_APPLICATION_CREDENTIALS', 'env'],
  ['dev@acme.dev', 'SMTP_PASSWORD_OWNER', 'env'],
  ['4096', 'MAX_TOKENS', 'env'],
  ['2024-06-01', 'API_VERSION', 'env'],
  ['claude-sonnet-4-5', 'ANTHROPIC_MODEL', 'env'],
  ['gpt-4o-mini', 'OPENAI_MODEL_KEY', 'env'],
  ['prod/mcp/github-token', 'SECRET_NAME', 'env'],
  ['eu-west-1', 'AWS_REGION', 'env'],
  ['-y', undefined as unknown as string, 'arg'],
  ['@modelcontextprotocol/server-github', undefined as unknown as string, 'arg'],
  ['--token', undefined as unknown as string, 'arg'],
  ['--api-key=${STRIPE_KEY}', undefined as unknown as string, 'arg'],
  ['GITHUB_TOKEN=${GITHUB_TOKEN}', undefined as unknown as string, 'arg'],
  // JWTs that grant nothing, or are public by design
  ['eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.', 'ID_TOKEN', 'env'],
  [fill('<<jwt:anon>>'), 'SUPABASE_ANON_KEY', 'env'],
  // Basic credentials without a real password
  ['Basic dXNlcjpwYXNzd29yZA==', 'Authorization', 'header'],
  ['Basic ${BASIC_AUTH}', 'Authorization', 'header'],
];

test(`hard negatives: ${HARD_NEGATIVES.length} references, placeholders and non-secret shapes are never reported`, () => {
  assert.ok(HARD_NEGATIVES.length >= 60);
  const failures: string[] = [];
  for (const [value, key, location] of HARD_NEGATIVES) {
    const found = detectSecretsInValue(value, { key, location });
    if (found.length > 0) failures.push(`${key ?? '(no key)'}=${JSON.stringify(value)} → ${found.map((m) => m.detector).join(', ')}`);
  }
  assert.deepEqual(failures, []);
});

test('hard negatives are also clean as .env lines and source assignments', () => {
  const failures: string[] = [];
  for (const [value, key] of HARD_NEGATIVES) {
    if (!key || value.includes('\n') || value.includes('"')) continue;
    for (const [text, kind] of [
      [`${key}=${value}`, 'dotenv'],
      [`${key} = "${value}"`, 'source'],
    ] as const) {
      const found = scanTextForSecrets(text, kind);
      if (found.length > 0) failures.push(`${kind}: ${text} → ${found.map((m) => m.detector).join(', ')}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('env: provider key by format, generic by name, offsets point at the secret', () => {
  const key = fill('ghp_<<an:36>>');
  const [m, ...rest] = detectSecretsInValue(key, { key: 'GITHUB_TOKEN', location: 'env' });
  assert.equal(rest.length, 0);
  assert.equal(m!.ruleId, 'MCPS101');
  assert.equal(m!.provider, 'GitHub');
  assert.equal(m!.providerId, 'github');
  assert.equal(m!.confidence, 'high');
  assert.equal(m!.key, 'GITHUB_TOKEN');
  assert.deepEqual([m!.start, m!.end], [0, key.length]);

  const secret = fill('<<an:32>>');
  const [g] = detectSecretsInValue(secret, { key: 'WEATHER_CLIENT_SECRET', location: 'env' });
  assert.equal(g!.ruleId, 'MCPS102');
  assert.equal(g!.providerId, 'generic');
  assert.deepEqual(detectSecretsInValue(secret, { key: 'WEATHER_CLIENT_ID', location: 'env' }), []);
});

test('header: the credential after the auth scheme is the secret', () => {
  const token = fill('<<an:40>>');
  const value = `Bearer ${token}`;
  const [m] = detectSecretsInValue(value, { key: 'Authorization', location: 'header' });
  assert.equal(m!.ruleId, 'MCPS102');
  assert.equal(value.slice(m!.start, m!.end), token);
  const hf = fill('hf_<<al:34>>');
  const [p] = detectSecretsInValue(`Bearer ${hf}`, { key: 'Authorization', location: 'header' });
  assert.equal(p!.providerId, 'huggingface');
  assert.equal(p!.start, 7);
  const basic = Buffer.from(`deploy:${fill('<<an:20>>')}`).toString('base64');
  const [b] = detectSecretsInValue(`Basic ${basic}`, { key: 'Authorization', location: 'header' });
  assert.equal(b!.ruleId, 'MCPS104');
  assert.equal(b!.start, 6);
  const [x] = detectSecretsInValue(fill('<<an:32>>'), { key: 'X-API-Key', location: 'header' });
  assert.equal(x!.ruleId, 'MCPS102');
});

test('arg: --flag=value, a value after --token, KEY=VALUE for docker -e, and -H header args', () => {
  const stripe = fill('sk_test_<<an:99>>');
  const [a] = detectSecretsInValue(`--api-key=${stripe}`, { location: 'arg' });
  assert.equal(a!.providerId, 'stripe');
  assert.equal(a!.start, '--api-key='.length);
  assert.equal(a!.key, '--api-key');

  const opaque = fill('<<an:32>>');
  assert.equal(detectSecretsInValue(opaque, { location: 'arg', previousArg: '--token' })[0]?.ruleId, 'MCPS102');
  assert.deepEqual(detectSecretsInValue(opaque, { location: 'arg', previousArg: '--project' }), []);
  assert.deepEqual(detectSecretsInValue(opaque, { location: 'arg' }), []);

  const [e] = detectSecretsInValue(`SENTRY_TOKEN=${opaque}`, { location: 'arg', previousArg: '-e' });
  assert.equal(e!.key, 'SENTRY_TOKEN');
  assert.equal(e!.start, 'SENTRY_TOKEN='.length);

  const [h] = detectSecretsInValue(`Authorization: Bearer ${opaque}`, { location: 'arg', previousArg: '--header' });
  assert.equal(h!.start, 'Authorization: Bearer '.length);
  assert.equal(h!.key, 'Authorization');
});

test('url: userinfo passwords, secret query parameters, and plain URLs', () => {
  const pw = fill('<<an:20>>');
  const url = `postgres://app:${pw}@db.internal:5432/app`;
  const [m] = detectSecretsInValue(url, { location: 'arg' });
  assert.equal(m!.ruleId, 'MCPS104');
  assert.equal(m!.provider, 'PostgreSQL');
  assert.equal(url.slice(m!.start, m!.end), pw);
  const exa = `https://mcp.exa.ai/mcp?exaApiKey=${fill('<<uuid>>')}`;
  const [q] = detectSecretsInValue(exa, { key: 'httpUrl', location: 'url' });
  assert.equal(q!.ruleId, 'MCPS102');
  assert.equal(q!.key, 'exaApiKey');
  assert.deepEqual(detectSecretsInValue('https://mcp.exa.ai/mcp?tools=search&limit=10', { location: 'url' }), []);
  const [g] = detectSecretsInValue(`https://maps.googleapis.com/api?key=${fill('AIza<<b64u:35>>')}`, { location: 'url' });
  assert.equal(g!.providerId, 'google');
});

test('pair rules: an AWS secret next to an AKIA id, a Twilio token next to an AC sid', () => {
  const secret = fill('<<b64:40>>');
  const siblings = [{ key: 'AWS_ACCESS_KEY_ID', value: fill('AKIA<<a32:16>>') }];
  assert.equal(detectSecretsInValue(secret, { key: 'AWS_SECRET_ACCESS_KEY', location: 'env' })[0]?.detector, 'aws-secret-access-key');
  assert.equal(detectSecretsInValue(secret, { key: 'SECRET', location: 'env', siblings })[0]?.detector, 'aws-secret-access-key');
  assert.equal(detectSecretsInValue(secret, { key: 'SECRET', location: 'env' })[0]?.detector, 'generic-secret-name');
  const token = fill('<<hex:32>>');
  const twilio = [{ key: 'TWILIO_ACCOUNT_SID', value: fill('AC<<hex:32>>') }];
  assert.equal(detectSecretsInValue(token, { key: 'AUTH_TOKEN', location: 'env', siblings: twilio })[0]?.provider, 'Twilio');
  assert.equal(detectSecretsInValue(token, { key: 'DD_API_KEY', location: 'env' })[0]?.provider, 'Datadog');
});

test('JWTs: confirmed by decoding; Supabase service-role keys name Supabase', () => {
  const jwt = fill('<<jwt>>');
  const [m] = detectSecretsInValue(jwt, { key: 'NOTES_TOKEN', location: 'env' });
  assert.equal(m!.ruleId, 'MCPS105');
  const [s] = detectSecretsInValue(fill('<<jwt:service_role>>'), { key: 'SUPABASE_SERVICE_ROLE_KEY', location: 'env' });
  assert.equal(s!.providerId, 'supabase');
  assert.equal(s!.ruleId, 'MCPS105');
});

test('private keys: multi-line .env value, \\n-escaped source literal, decoded JSON value', () => {
  const pem = fill('<<pem:RSA>>');
  const [d] = scanTextForSecrets(`A=1\nGITHUB_APP_KEY="${pem}"\nB=2\n`, 'dotenv');
  assert.equal(d!.ruleId, 'MCPS103');
  assert.deepEqual([d!.line, d!.column, d!.endLine], [2, 17, 9]);
  assert.equal(d!.key, 'GITHUB_APP_KEY');
  const escaped = pem.replace(/\n/g, '\\n');
  const [s] = scanTextForSecrets(`const key = "${escaped}";`, 'source');
  assert.equal(s!.ruleId, 'MCPS103');
  assert.equal(s!.end - s!.start, escaped.length);
  const [v] = detectSecretsInValue(pem, { key: 'PRIVATE_KEY', location: 'env' });
  assert.deepEqual([v!.ruleId, v!.start, v!.end], ['MCPS103', 0, pem.length]);
});

test('dotenv: export, quotes, inline comments, commented-out keys, positions', () => {
  const gh = fill('ghp_<<an:36>>');
  const text = [
    '# comment',
    `export GITHUB_TOKEN='${gh}'`,
    `API_SECRET=${fill('<<an:32>>')} # rotated 2025-01`,
    `# OLD_TOKEN=${gh}`,
    'EMPTY=',
    'PLACEHOLDER="<YOUR_KEY>"',
  ].join('\r\n');
  const found = scanTextForSecrets(text, 'dotenv');
  assert.deepEqual(found.map((m) => [m.line, m.column, m.detector, m.key]), [
    [2, 22, 'github-pat', 'GITHUB_TOKEN'],
    [3, 12, 'generic-secret-name', 'API_SECRET'],
    [4, 13, 'github-pat', 'OLD_TOKEN'],
  ]);
  assert.equal(found[1]!.endColumn - found[1]!.column, 32);
});

test('source: assignment forms name the secret', () => {
  const v = () => fill('<<an:32>>');
  const cases: Array<[string, string]> = [
    [`const API_KEY = "${v()}";`, 'API_KEY'],
    [`apiKey: '${v()}',`, 'apiKey'],
    [`"client_secret": "${v()}"`, 'client_secret'],
    [`token := "${v()}"`, 'token'],
    [`API_KEY: str = "${v()}"`, 'API_KEY'],
    [`var authToken string = "${v()}"`, 'authToken'],
    [`config["api_key"] = '${v()}'`, 'api_key'],
    [`key = os.environ.get("WEATHER_API_KEY", "${v()}")`, 'WEATHER_API_KEY'],
    [`const t = process.env.SERVICE_TOKEN ?? "${v()}";`, 'SERVICE_TOKEN'],
    [`t = os.getenv("SERVICE_TOKEN") or "${v()}"`, 'SERVICE_TOKEN'],
    [`self.password = "${v()}"`, 'password'],
  ];
  for (const [line, key] of cases) {
    const found = scanTextForSecrets(line, 'source');
    assert.equal(found.length, 1, line);
    assert.equal(found[0]!.key, key, line);
  }
  assert.deepEqual(scanTextForSecrets(`if (apiKey === "${v()}") {}`, 'source'), []);
  assert.deepEqual(scanTextForSecrets(`const API_KEY = process.env.API_KEY;`, 'source'), []);
});

test('real-world code that once looked like secrets stays clean (regressions from sweeps of node_modules and Python stdlib)', () => {
  const lines: Array<[string, 'source' | 'plain']> = [
    ['const FLOW_PASSWORD_REQUIRED_V2 = "FlowPasswordRequiredResultV2";', 'source'],
    ['ACQUIRE_TOKEN_START: "msal:acquireTokenStart",', 'source'],
    ['export const PlatformAuthDOMGetToken = "platformAuthDOMGetToken";', 'source'],
    ['JWT_BEARER: "urn:ietf:params:oauth:grant-type:jwt-bearer",', 'source'],
    ["export const RELATED_TASK_META_KEY = 'io.modelcontextprotocol/related-task';", 'source'],
    ["key: 'Access-Control-Allow-Origin',", 'source'],
    ['* @param [options.wwwAuthenticateHeader="Bearer error=\\"invalid_request\\""] - header', 'source'],
    ['    password = strict;', 'source'],
    ["const options = new URL('https://abc:xyz@example.com');", 'source'],
    ["url.parse(\"https://anonymous:flabada@developer.mozilla.org/en-US/docs/Web/API/URL/password\");", 'source'],
    ['REG_NAME_PAT = r"(?:[^\\[\\]%:/?#]|%[a-fA-F0-9]{2})*"', 'source'],
    ['"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"', 'source'],
    ['[![codecov](https://codecov.io/gh/acme/repo/graph/badge.svg?token=Q1w2E3r4T5)](https://codecov.io/gh/acme/repo)', 'plain'],
    ["  key: fs.readFileSync('test/fixtures/keys/agent1-key.pem'),", 'plain'],
    ['  key: process.env.CONSUMER_KEY,', 'plain'],
    ['      "access_token":"2YotnFZFEjr1zCsicMWpAA",', 'source'],
    ["const stripe = require('stripe')('sk_test_4eC39HqLyjWDarjtT1zdp7dc');", 'source'],
    ["const pass = 'pa$$word'", 'plain'],
    ["auth: 'username:password'", 'plain'],
    ['"Index_signature_for_type_0_is_missing_in_type_1_2329": "类型“{1}”中缺少类型“{0}”的索引签名。",', 'plain'],
    ["env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6' },", 'source'],
    ["redactUrl('https://bot:s3cr3t-Pa55@ci.internal.dev/mcp')", 'source'],
  ];
  const failures = lines.flatMap(([line, kind]) =>
    scanTextForSecrets(line, kind).map((m) => `${line} → ${m.detector} (${m.key ?? ''})`),
  );
  assert.deepEqual(failures, []);
});
