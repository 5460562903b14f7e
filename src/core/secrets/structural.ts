/**
 * The detectors that are code rather than one regex (the generic secret-name rule, URL and
 * connection-string passwords, Basic credentials), described as data with their samples so
 * the same data-driven test checks them. Samples are lines of plain text (scanned with
 * scanTextForSecrets(…, 'plain')), with `<<class:n>>` holes.
 */
import type { SecretRuleId } from './types';

export interface StructuralDetector {
  id: string;
  ruleId: SecretRuleId;
  description: string;
  tps: readonly string[];
  fps: readonly string[];
}

export const STRUCTURAL_DETECTORS: readonly StructuralDetector[] = [
  {
    id: 'generic-secret-name', ruleId: 'MCPS102',
    description: 'A random-looking literal under a name that means secret (key, token, secret, password, Authorization...).',
    tps: [
      'WEATHER_API_KEY=<<hex:32>>',
      'CLIENT_SECRET="<<an:32>>"',
      'DB_PASSWORD=<<an:12>>',
      'const apiKey = "<<an:40>>";',
      "api_key: '<<an:24>>'",
      'self.access_token = "<<b64u:40>>"',
      'x = os.getenv("MY_SERVICE_TOKEN", "<<an:32>>")',
      'curl -H "Authorization: Bearer <<an:40>>" https://api.acme.dev',
      "headers.set('X-API-Key', '<<an:32>>')",
      'npx some-mcp-server --api-key <<an:32>>',
      'npx some-mcp-server --token=<<an:32>>',
      'https://mcp.exa.ai/mcp?exaApiKey=<<uuid>>',
      'password: <<pw:14>>',
    ],
    fps: [
      'AWS_ACCESS_KEY_ID_FILE=/run/secrets/aws',
      'SSH_KEY_PATH=~/.ssh/id_ed25519',
      'TOKEN_URL=https://auth.acme.dev/oauth/token',
      'PUBLIC_KEY=<<b64:44>>',
      'MAX_TOKENS=4096',
      'GIT_SHA=<<hex:40>>',
      'REQUEST_ID=<<uuid>>',
      'API_KEY=${API_KEY}',
      'TOKEN=your-token-here',
      'const apiKey = process.env.API_KEY;',
      'if (token == "<<an:40>>") {}',
      'SECRET_NAME=prod/mcp/github',
      'bearer_token_env_var = "LINEAR_API_KEY"',
      'password: short',
      'Authorization: Bearer $TOKEN',
      // AWS SDK API models: paginator fields name result lists and tokens; request tokens are idempotency ids.
      '"result_key": "DBClusterParameterGroups",',
      '"output_token": "NextToken",',
      '"ClientRequestToken": "<<uuid>>",',
      '"LifecycleActionToken": "<<uuid>>",',
      "settingsKey: 'accessibility.signals.onDebugBreak',",
    ],
  },
  {
    id: 'url-password', ruleId: 'MCPS104',
    description: 'The password of a URL or connection string (userinfo or a password query parameter).',
    tps: [
      'DATABASE_URL=postgres://app:<<an:20>>@db.internal:5432/app',
      '"postgresql://svc:<<an:16>>@10.0.0.5/app"',
      'MONGO_URI=mongodb+srv://svc:<<an:18>>@cluster0.example.mongodb.net/prod',
      'REDIS_URL=rediss://:<<an:24>>@cache.internal:6380/0',
      'amqps://worker:<<an:18>>@mq.internal/vhost',
      'mysql://root:<<an:14>>@localhost:3306/shop',
      'https://ci-bot:<<an:18>>@jenkins.internal/mcp',
      'jdbc:postgresql://db/app?user=app&password=<<an:16>>',
    ],
    fps: [
      'postgres://postgres:postgres@localhost:5432/dev',
      'amqp://guest:guest@localhost:5672',
      'postgres://app:${DB_PASSWORD}@db/app',
      'redis://localhost:6379',
      'mysql://user:password@localhost/db',
      'https://user@github.com/acme/repo.git',
      'postgres://app:<password>@db/app',
      'mongodb://admin:****@mongo:27017',
    ],
  },
  {
    id: 'connection-string-password', ruleId: 'MCPS104',
    description: 'Password=… in an ADO.NET / ODBC style connection string.',
    tps: ['"Server=db.internal;Database=app;User Id=app;Password=<<an:16>>;"'],
    fps: ['"Server=db;Database=app;Trusted_Connection=True;"', '"Server=db;User Id=app;Password=${DB_PASSWORD};"'],
  },
  {
    id: 'basic-auth', ruleId: 'MCPS104',
    description: 'An Authorization: Basic header whose user:password has a real password.',
    tps: ['Authorization: Basic <<basic>>'],
    fps: ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic ${BASIC_CREDENTIALS}'],
  },
];
