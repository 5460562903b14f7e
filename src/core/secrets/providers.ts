/**
 * The provider rule table: token formats with a distinctive prefix or structure, found
 * anywhere in a string. Formats come from public provider documentation and the research
 * notes (/work/shared/research/secrets.md §1); the regexes are written here in JS syntax.
 *
 * Regex discipline: flag `g` only, every quantifier bounded, `keywords` literal (case-sensitive) text every match contains, a leading look-behind on the
 * token alphabet (so a match starts only where a token starts) and a trailing look-ahead (so
 * a longer token is not cut into a shorter one). See test/core/secrets.safety.test.ts.
 */
import { charClasses } from './entropy';
import { isPublicByDesignJwt, isSignedJwt, isSupabaseServiceRole } from './jwt';
import { isPlaceholderBody } from './placeholders';
import type { ContextRule, PatternRule } from './types';

/** Lower, upper and digit all present: random base62, not a word or a run of hex. */
function mixedCase(secret: string): boolean {
  const c = charClasses(secret);
  return c.lower && c.upper && c.digit;
}

/** A PEM private key runs from its BEGIN line to the matching END line, with a real body. */
function extendPem(input: string, start: number, end: number): number {
  const header = input.slice(start, end);
  const label = /-----BEGIN ([ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?)-----/.exec(header)?.[1];
  if (!label) return -1;
  const footer = `-----END ${label}-----`;
  // The next dash run must be the footer. Searching for it (not for the footer itself) keeps
  // a text full of BEGIN lines linear: each search stops at the next BEGIN.
  const stop = input.indexOf('-----', end);
  if (stop < 0 || stop - end > 20000 || !input.startsWith(footer, stop)) return -1;
  const body = input
    .slice(end, stop)
    .replace(/\\[nr]/g, '\n')
    .replace(/^[A-Za-z-]+:.*$/gm, '') // Proc-Type / DEK-Info headers of legacy encrypted keys
    .replace(/[\s"'`+,\\]/g, ''); // line breaks, and string concatenation in source code
  if (body.length < 64 || !/^[A-Za-z0-9+/=]+$/.test(body) || isPlaceholderBody(body)) return -1;
  return stop + footer.length;
}

const ANTHROPIC = { provider: 'Anthropic', providerId: 'anthropic' } as const;
const OPENAI = { provider: 'OpenAI', providerId: 'openai' } as const;
const GITHUB = { provider: 'GitHub', providerId: 'github' } as const;
const SLACK = { provider: 'Slack', providerId: 'slack' } as const;
const HF = { provider: 'Hugging Face', providerId: 'huggingface' } as const;
const NOTION = { provider: 'Notion', providerId: 'notion' } as const;
const SENTRY = { provider: 'Sentry', providerId: 'sentry' } as const;
const TWILIO = { provider: 'Twilio', providerId: 'twilio' } as const;
const AWS = { provider: 'AWS', providerId: 'aws' } as const;

export const PATTERN_RULES: readonly PatternRule[] = [
  // ── Private keys and JWTs first: they contain substrings other rules could claim.
  {
    id: 'private-key', ruleId: 'MCPS103', provider: 'Private key', providerId: 'private-key',
    description: 'PEM private key',
    regex: /-----BEGIN [ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/g,
    keywords: ['-----BEGIN '], confidence: 'high', extend: extendPem,
    tps: ['<<pem:>>', '<<pem:RSA>>', '<<pem:OPENSSH>>', '<<pem:EC>>', 'key = "-----BEGIN PRIVATE KEY-----\\n<<b64:64>>\\n<<b64:64>>\\n-----END PRIVATE KEY-----"'],
    fps: [
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----',
      '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\n<your private key here>\n-----END RSA PRIVATE KEY-----',
      'if (pem.startsWith("-----BEGIN PRIVATE KEY-----")) return parse(pem);',
    ],
  },
  {
    id: 'jwt', ruleId: 'MCPS105', provider: 'JWT', providerId: 'jwt', description: 'JSON Web Token',
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,4000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,2000}(?![A-Za-z0-9_-])/g,
    keywords: ['eyJ'], confidence: 'high',
    validate: (t) => isSignedJwt(t) && !isPublicByDesignJwt(t),
    classify: (t) => (isSupabaseServiceRole(t) ? { provider: 'Supabase', providerId: 'supabase', description: 'Supabase service-role key (JWT)' } : undefined),
    tps: ['Authorization: Bearer <<jwt>>', 'SUPABASE_SERVICE_ROLE_KEY=<<jwt:service_role>>'],
    fps: [
      // alg "none", no signature
      'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.',
      // header does not decode to JSON
      'eyJhbGciOiJIUzI1NiJ9xx.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl',
      // Supabase anon key: public by design
      'SUPABASE_ANON_KEY=<<jwt:anon>>',
    ],
  },

  // ── OpenAI. Keys with the T3BlbkFJ marker (base64 of "OpenAI") are certain; project/service/admin
  // keys without it and 48-char legacy keys are reported with medium confidence.
  {
    id: 'openai-project-key', ...OPENAI, ruleId: 'MCPS101', description: 'OpenAI API key',
    regex: /(?<![\w-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}(?![\w-])/g,
    keywords: ['T3BlbkFJ'], entropy: 3.5, confidence: 'high',
    tps: ['OPENAI_API_KEY=sk-proj-<<b64u:74>>T3BlbkFJ<<b64u:74>>', 'sk-svcacct-<<b64u:58>>T3BlbkFJ<<b64u:58>>', '"sk-admin-<<b64u:58>>T3BlbkFJ<<b64u:58>>"'],
    fps: ['sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk-proj-...T3BlbkFJ...'],
  },
  {
    id: 'openai-legacy-key', ...OPENAI, ruleId: 'MCPS101', description: 'OpenAI API key',
    regex: /(?<![\w-])sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}(?![\w-])/g,
    keywords: ['T3BlbkFJ'], entropy: 3.5, confidence: 'high',
    tps: ['sk-<<an:20>>T3BlbkFJ<<an:20>>'],
    fps: ['sk-XXXXXXXXXXXXXXXXXXXXT3BlbkFJXXXXXXXXXXXXXXXXXXXX'],
  },
  {
    id: 'openai-project-key-unmarked', ...OPENAI, ruleId: 'MCPS101', description: 'OpenAI API key (project, service-account or admin)',
    regex: /(?<![\w-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300}(?![\w-])/g,
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'], entropy: 4, confidence: 'medium',
    validate: mixedCase,
    tps: ['sk-proj-<<an:120>>'],
    fps: ['sk-proj-your-openai-project-api-key-goes-here-please', 'sk-proj-abcdefghijklmnopqrstuvwxyzabcdefghijklmnop'],
  },
  {
    id: 'openai-legacy-key-unmarked', ...OPENAI, ruleId: 'MCPS101', description: 'OpenAI API key (legacy format)',
    regex: /(?<![\w-])sk-[A-Za-z0-9]{48}(?![\w-])/g,
    keywords: ['sk-'], entropy: 4.2, confidence: 'medium',
    validate: mixedCase,
    tps: ['OPENAI_API_KEY=sk-<<an:48>>'],
    fps: ['sk-000000000000000000000000000000000000000000000000', 'task-abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv'],
  },
  {
    id: 'openrouter-api-key', provider: 'OpenRouter', providerId: 'openrouter', ruleId: 'MCPS101', description: 'OpenRouter API key',
    regex: /(?<![\w-])sk-or-v1-[a-f0-9]{64}(?![A-Za-z0-9])/g,
    keywords: ['sk-or-v1-'], entropy: 3, confidence: 'high',
    tps: ['OPENROUTER_API_KEY="sk-or-v1-<<hex:64>>"'],
    fps: ['sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000'],
  },

  // ── Anthropic: `sk-ant-api03-…AA`, `sk-ant-admin01-…AA`; other `sk-ant-<kind>NN-` tokens (OAuth) as medium.
  {
    id: 'anthropic-api-key', ...ANTHROPIC, ruleId: 'MCPS101', description: 'Anthropic API key',
    regex: /(?<![\w-])sk-ant-api\d{2}-[A-Za-z0-9_-]{80,120}AA(?![\w-])/g,
    keywords: ['sk-ant-api'], entropy: 3.5, confidence: 'high',
    tps: ['ANTHROPIC_API_KEY=sk-ant-api03-<<b64u:93>>AA'],
    fps: ['sk-ant-api03-your-key-here', 'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA'],
  },
  {
    id: 'anthropic-admin-key', ...ANTHROPIC, ruleId: 'MCPS101', description: 'Anthropic Admin API key',
    regex: /(?<![\w-])sk-ant-admin\d{2}-[A-Za-z0-9_-]{80,120}AA(?![\w-])/g,
    keywords: ['sk-ant-admin'], entropy: 3.5, confidence: 'high',
    tps: ['sk-ant-admin01-<<b64u:93>>AA'],
    fps: ['sk-ant-admin01-...'],
  },
  {
    id: 'anthropic-other-token', ...ANTHROPIC, ruleId: 'MCPS101', description: 'Anthropic token',
    regex: /(?<![\w-])sk-ant-[a-z]{2,10}\d{2}-[A-Za-z0-9_-]{40,200}(?![\w-])/g,
    keywords: ['sk-ant-'], entropy: 3.5, confidence: 'medium',
    tps: ['CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-<<b64u:95>>'],
    fps: ['sk-ant-oat01-REPLACE_WITH_YOUR_TOKEN_FROM_CLAUDE_SETUP_TOKEN'],
  },

  // ── Code hosting and registries.
  {
    id: 'github-pat', ...GITHUB, ruleId: 'MCPS101', description: 'GitHub personal access token (classic)',
    regex: /(?<![A-Za-z0-9_])ghp_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/g,
    keywords: ['ghp_'], entropy: 3, confidence: 'high',
    tps: ['GITHUB_TOKEN=ghp_<<an:36>>', 'const t = "ghp_<<an:36>>";'],
    fps: ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'ghp_', 'ghp_1234567890abcdefghij', 'ghp_000000000000000000000000000000000000'],
  },
  {
    id: 'github-fine-grained-pat', ...GITHUB, ruleId: 'MCPS101', description: 'GitHub fine-grained personal access token',
    regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{70,120}(?![A-Za-z0-9_])/g,
    keywords: ['github_pat_'], entropy: 3.5, confidence: 'high',
    tps: ['github_pat_<<an:22>>_<<an:59>>'],
    fps: ['github_pat_<your-token>', 'github_pat_XXXXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
  },
  {
    id: 'github-oauth-token', ...GITHUB, ruleId: 'MCPS101', description: 'GitHub OAuth access token',
    regex: /(?<![A-Za-z0-9_])gho_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/g,
    keywords: ['gho_'], entropy: 3, confidence: 'high',
    tps: ['gho_<<an:36>>'], fps: ['gho_short'],
  },
  {
    id: 'github-app-token', ...GITHUB, ruleId: 'MCPS101', description: 'GitHub App token',
    regex: /(?<![A-Za-z0-9_])gh[us]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/g,
    keywords: ['ghu_', 'ghs_'], entropy: 3, confidence: 'high',
    tps: ['ghu_<<an:36>>', 'ghs_<<an:36>>'], fps: ['ghs_abcdefghijklmnopqrstuvwxyz'],
  },
  {
    id: 'github-refresh-token', ...GITHUB, ruleId: 'MCPS101', description: 'GitHub refresh token',
    regex: /(?<![A-Za-z0-9_])ghr_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/g,
    keywords: ['ghr_'], entropy: 3, confidence: 'high',
    tps: ['ghr_<<an:76>>'], fps: ['ghr_<<an:20>>'],
  },
  {
    id: 'gitlab-pat', provider: 'GitLab', providerId: 'gitlab', ruleId: 'MCPS101', description: 'GitLab personal access token',
    regex: /(?<![\w-])glpat-[A-Za-z0-9_-]{20,300}(?:\.[a-z0-9]{9})?(?![\w-])/g,
    keywords: ['glpat-'], entropy: 3, confidence: 'high',
    tps: ['GITLAB_PERSONAL_ACCESS_TOKEN=glpat-<<b64u:20>>', 'glpat-<<an:36>>.01<<lan:7>>'],
    fps: ['glpat-xxxxxxxxxxxxxxxxxxxx', 'glpat-<your_token>'],
  },
  {
    id: 'npm-token', provider: 'npm', providerId: 'npm', ruleId: 'MCPS101', description: 'npm access token',
    regex: /(?<![\w-])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
    keywords: ['npm_'], entropy: 3, confidence: 'high',
    tps: ['//registry.npmjs.org/:_authToken=npm_<<an:36>>'], fps: ['npm_config_registry=https://registry.npmjs.org/'],
  },
  {
    id: 'pypi-token', provider: 'PyPI', providerId: 'pypi', ruleId: 'MCPS101', description: 'PyPI API token',
    regex: /(?<![\w-])pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}(?![\w-])/g,
    keywords: ['pypi-AgE'], entropy: 3, confidence: 'high',
    tps: ['TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc<<b64u:120>>'], fps: ['pypi-AgEIcHlwaS5vcmc'],
  },

  // ── Messaging.
  {
    id: 'slack-bot-token', ...SLACK, ruleId: 'MCPS101', description: 'Slack bot token',
    regex: /(?<![\w.-])xoxb-\d{6,16}-[A-Za-z0-9-]{10,300}(?![A-Za-z0-9-])/g,
    keywords: ['xoxb-'], entropy: 3, confidence: 'high',
    tps: ['SLACK_BOT_TOKEN=xoxb-<<dig:12>>-<<dig:13>>-<<an:24>>'],
    fps: ['xoxb-your-bot-token', 'xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'slack-user-token', ...SLACK, ruleId: 'MCPS101', description: 'Slack user token',
    regex: /(?<![\w.-])xoxp-\d{6,16}-[A-Za-z0-9-]{10,300}(?![A-Za-z0-9-])/g,
    keywords: ['xoxp-'], entropy: 3, confidence: 'high',
    tps: ['xoxp-<<dig:12>>-<<dig:12>>-<<dig:13>>-<<hex:32>>'], fps: ['xoxp-TOKEN'],
  },
  {
    id: 'slack-other-token', ...SLACK, ruleId: 'MCPS101', description: 'Slack token',
    regex: /(?<![\w.-])(?:xoxe\.xox[bp]|xox[aeors])-\d{1,16}-[A-Za-z0-9-]{10,300}(?![A-Za-z0-9-])/g,
    keywords: ['xoxa-', 'xoxe', 'xoxo-', 'xoxr-', 'xoxs-'], entropy: 3, confidence: 'high',
    tps: ['xoxe.xoxp-1-<<an:160>>', 'xoxe-1-<<uan:146>>', 'xoxa-2-<<an:40>>'], fps: ['xoxe-example'],
  },
  {
    id: 'slack-app-token', ...SLACK, ruleId: 'MCPS101', description: 'Slack app-level token',
    regex: /(?<![\w-])xapp-\d-[A-Za-z0-9]{8,20}-\d{8,20}-[A-Za-z0-9]{32,100}(?![A-Za-z0-9])/g,
    keywords: ['xapp-'], entropy: 3, confidence: 'high',
    tps: ['SLACK_APP_TOKEN=xapp-1-A<<uan:10>>-<<dig:13>>-<<hex:64>>'], fps: ['xapp-1-A0000000000-0000000000000-placeholder'],
  },
  {
    id: 'slack-webhook', ...SLACK, ruleId: 'MCPS101', description: 'Slack incoming webhook URL',
    regex: /(?<![\w.-])(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{40,160}/g,
    keywords: ['hooks.slack.com'], entropy: 3, confidence: 'high',
    tps: ['SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T<<uan:10>>/B<<uan:10>>/<<an:24>>'],
    fps: ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://api.slack.com/messaging/webhooks'],
  },
  {
    id: 'twilio-api-key', ...TWILIO, ruleId: 'MCPS101', description: 'Twilio API key SID',
    regex: /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/g,
    keywords: ['SK'], entropy: 3, confidence: 'medium',
    tps: ['TWILIO_API_KEY=SK<<hex:32>>'], fps: ['SK00000000000000000000000000000000', 'SKIPPED_TESTS=12'],
  },
  {
    id: 'twilio-account-sid', ...TWILIO, ruleId: 'MCPS101', description: 'Twilio account SID',
    regex: /(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])/g,
    keywords: ['AC'], confidence: 'high', anchorOnly: true,
    tps: [], fps: [],
  },
  {
    id: 'sendgrid-api-key', provider: 'SendGrid', providerId: 'sendgrid', ruleId: 'MCPS101', description: 'SendGrid API key',
    regex: /(?<![\w.-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])/g,
    keywords: ['SG.'], entropy: 3.5, confidence: 'high',
    tps: ['SENDGRID_API_KEY=SG.<<b64u:22>>.<<b64u:43>>'], fps: ['SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'telegram-bot-token', provider: 'Telegram', providerId: 'telegram', ruleId: 'MCPS101', description: 'Telegram bot token',
    regex: /(?<![\w:-])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![\w-])/g,
    keywords: [':AA'], entropy: 3.5, confidence: 'medium',
    tps: ['TELEGRAM_BOT_TOKEN=<<dig:10>>:AA<<b64u:33>>'], fps: ['12:30:AA'],
  },

  // ── Payments and cloud.
  {
    id: 'stripe-secret-key', provider: 'Stripe', providerId: 'stripe', ruleId: 'MCPS101', description: 'Stripe secret or restricted key',
    regex: /(?<![\w-])(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{20,247}(?![A-Za-z0-9])/g,
    keywords: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'], entropy: 3, confidence: 'high',
    tps: ['STRIPE_SECRET_KEY=sk_live_<<an:99>>', '--api-key=sk_test_<<an:24>>', 'Authorization = "Bearer rk_live_<<an:99>>"'],
    fps: ['sk_test_xxxxxxxxxxxxxxxxxxxxxxxx', 'pk_live_<<an:99>>', 'sk_test_your_stripe_key'],
  },
  {
    id: 'stripe-webhook-secret', provider: 'Stripe', providerId: 'stripe', ruleId: 'MCPS101', description: 'Stripe webhook signing secret',
    regex: /(?<![\w-])whsec_[A-Za-z0-9+/]{32,88}={0,2}(?![A-Za-z0-9+/=])/g,
    keywords: ['whsec_'], entropy: 3.5, confidence: 'high',
    tps: ['STRIPE_WEBHOOK_SECRET=whsec_<<an:32>>'], fps: ['whsec_...'],
  },
  {
    id: 'aws-access-key-id', ...AWS, ruleId: 'MCPS101', description: 'AWS access key ID',
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])/g,
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], entropy: 3, confidence: 'high',
    tps: ['AWS_ACCESS_KEY_ID=AKIA<<a32:16>>', 'aws_access_key_id = ASIA<<a32:16>>'],
    fps: ['AKIAIOSFODNN7EXAMPLE', 'AKIAXXXXXXXXXXXXXXXX', 'ASIATICALLY'],
  },
  {
    id: 'aws-bedrock-api-key', ...AWS, ruleId: 'MCPS101', description: 'Amazon Bedrock API key',
    regex: /(?<![A-Za-z0-9+/])ABSK[A-Za-z0-9+/]{109,269}={0,2}(?![A-Za-z0-9+/=])/g,
    keywords: ['ABSK'], entropy: 3, confidence: 'high',
    tps: ['AWS_BEARER_TOKEN_BEDROCK=ABSK<<b64:132>>'], fps: ['ABSKxxxx'],
  },
  {
    id: 'google-api-key', provider: 'Google', providerId: 'google', ruleId: 'MCPS101', description: 'Google API key',
    regex: /(?<![\w-])AIza[A-Za-z0-9_-]{35}(?![\w-])/g,
    keywords: ['AIza'], entropy: 3.5, confidence: 'high',
    tps: ['GOOGLE_MAPS_API_KEY=AIzaSy<<b64u:33>>', 'https://maps.googleapis.com/maps/api/geocode/json?key=AIza<<b64u:35>>'],
    fps: ['AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'AIza_your_google_api_key_here_please'],
  },
  {
    id: 'azure-ad-client-secret', provider: 'Microsoft Entra ID', providerId: 'azure', ruleId: 'MCPS101', description: 'Microsoft Entra ID (Azure AD) client secret',
    regex: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
    keywords: ['Q~'], entropy: 3.5, confidence: 'high',
    tps: ['AZURE_CLIENT_SECRET=<<an:3>>8Q~<<an:34>>'], fps: ['version 8Q~ note'],
  },
  {
    id: 'digitalocean-token', provider: 'DigitalOcean', providerId: 'digitalocean', ruleId: 'MCPS101', description: 'DigitalOcean token',
    regex: /(?<![\w-])do[opr]_v1_[a-f0-9]{64}(?![A-Za-z0-9])/g,
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'], entropy: 3, confidence: 'high',
    tps: ['DIGITALOCEAN_API_TOKEN=dop_v1_<<hex:64>>'], fps: ['dop_v1_abc'],
  },
  {
    id: 'databricks-token', provider: 'Databricks', providerId: 'databricks', ruleId: 'MCPS101', description: 'Databricks access token',
    regex: /(?<![\w-])dapi[a-f0-9]{32}(?:-\d)?(?![\w-])/g,
    keywords: ['dapi'], entropy: 3, confidence: 'high',
    tps: ['DATABRICKS_TOKEN=dapi<<hex:32>>'], fps: ['dapi_version=2'],
  },
  {
    id: 'cloudflare-api-token-prefixed', provider: 'Cloudflare', providerId: 'cloudflare', ruleId: 'MCPS101', description: 'Cloudflare origin CA key',
    regex: /(?<![\w-])v1\.0-[a-f0-9]{24}-[a-f0-9]{146}(?![\w-])/g,
    keywords: ['v1.0-'], entropy: 3, confidence: 'high',
    tps: ['v1.0-<<hex:24>>-<<hex:146>>'], fps: ['v1.0-beta'],
  },
  {
    id: 'shopify-token', provider: 'Shopify', providerId: 'shopify', ruleId: 'MCPS101', description: 'Shopify access token',
    regex: /(?<![\w-])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9])/g,
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], entropy: 3, confidence: 'high',
    tps: ['SHOPIFY_ACCESS_TOKEN=shpat_<<hex:32>>'], fps: ['shpat_'],
  },

  // ── AI and developer platforms.
  {
    id: 'huggingface-token', ...HF, ruleId: 'MCPS101', description: 'Hugging Face access token',
    regex: /(?<![\w-])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/g,
    keywords: ['hf_'], entropy: 3, confidence: 'high',
    tps: ['HF_TOKEN=hf_<<al:34>>', 'Authorization: Bearer hf_<<al:34>>'], fps: ['hf_hub_download', 'hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'huggingface-org-token', ...HF, ruleId: 'MCPS101', description: 'Hugging Face organization token',
    regex: /(?<![\w-])api_org_[A-Za-z]{34}(?![A-Za-z0-9_])/g,
    keywords: ['api_org_'], entropy: 3, confidence: 'high',
    tps: ['api_org_<<al:34>>'], fps: ['api_org_name'],
  },
  {
    id: 'notion-token', ...NOTION, ruleId: 'MCPS101', description: 'Notion integration token',
    regex: /(?<![\w-])ntn_\d{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])/g,
    keywords: ['ntn_'], entropy: 3.5, confidence: 'high',
    tps: ['NOTION_TOKEN=ntn_<<dig:11>><<an:35>>'], fps: ['ntn_****'],
  },
  {
    id: 'notion-legacy-token', ...NOTION, ruleId: 'MCPS101', description: 'Notion integration token (legacy)',
    regex: /(?<![\w-])secret_[A-Za-z0-9]{43}(?![A-Za-z0-9])/g,
    keywords: ['secret_'], entropy: 4, confidence: 'medium', validate: mixedCase,
    tps: ['NOTION_API_KEY=secret_<<an:43>>'], fps: ['secret_key_base_for_development_only_please', 'SECRET_KEY'],
  },
  {
    id: 'linear-api-key', provider: 'Linear', providerId: 'linear', ruleId: 'MCPS101', description: 'Linear API key',
    regex: /(?<![\w-])lin_api_[A-Za-z0-9]{32,128}(?![A-Za-z0-9])/g,
    keywords: ['lin_api_'], entropy: 3, confidence: 'high',
    tps: ['LINEAR_API_KEY=lin_api_<<an:40>>'], fps: ['lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'groq-api-key', provider: 'Groq', providerId: 'groq', ruleId: 'MCPS101', description: 'Groq API key',
    regex: /(?<![\w-])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])/g,
    keywords: ['gsk_'], entropy: 3.5, confidence: 'high',
    tps: ['GROQ_API_KEY=gsk_<<an:52>>'], fps: ['gsk_your_key'],
  },
  {
    id: 'xai-api-key', provider: 'xAI', providerId: 'xai', ruleId: 'MCPS101', description: 'xAI API key',
    regex: /(?<![\w-])xai-[A-Za-z0-9_]{80}(?![A-Za-z0-9_])/g,
    keywords: ['xai-'], entropy: 3.5, confidence: 'high',
    tps: ['XAI_API_KEY=xai-<<an:80>>'], fps: ['xai-grok-beta'],
  },
  {
    id: 'perplexity-api-key', provider: 'Perplexity', providerId: 'perplexity', ruleId: 'MCPS101', description: 'Perplexity API key',
    regex: /(?<![\w-])pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])/g,
    keywords: ['pplx-'], entropy: 3.5, confidence: 'high',
    tps: ['PERPLEXITY_API_KEY=pplx-<<an:48>>'], fps: ['pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'replicate-api-token', provider: 'Replicate', providerId: 'replicate', ruleId: 'MCPS101', description: 'Replicate API token',
    regex: /(?<![\w-])r8_[A-Za-z0-9_-]{37}(?![\w-])/g,
    keywords: ['r8_'], entropy: 3.5, confidence: 'high',
    tps: ['REPLICATE_API_TOKEN=r8_<<an:37>>'], fps: ['r8_short'],
  },
  {
    id: 'langsmith-api-key', provider: 'LangSmith', providerId: 'langsmith', ruleId: 'MCPS101', description: 'LangSmith API key',
    regex: /(?<![\w-])lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}(?![A-Za-z0-9])/g,
    keywords: ['lsv2_'], entropy: 3, confidence: 'high',
    tps: ['LANGSMITH_API_KEY=lsv2_pt_<<hex:32>>_<<hex:10>>'], fps: ['lsv2_pt_...'],
  },
  {
    id: 'supabase-access-token', provider: 'Supabase', providerId: 'supabase', ruleId: 'MCPS101', description: 'Supabase personal access token',
    regex: /(?<![\w-])sbp_[a-z0-9]{40}(?![A-Za-z0-9])/g,
    keywords: ['sbp_'], entropy: 3, confidence: 'high',
    tps: ['SUPABASE_ACCESS_TOKEN=sbp_<<hex:40>>'], fps: ['sbp_0000000000000000000000000000000000000000'],
  },
  {
    id: 'sentry-user-token', ...SENTRY, ruleId: 'MCPS101', description: 'Sentry user auth token',
    regex: /(?<![\w-])sntryu_[a-f0-9]{64}(?![A-Za-z0-9])/g,
    keywords: ['sntryu_'], entropy: 3, confidence: 'high',
    tps: ['Authorization: Bearer sntryu_<<hex:64>>'], fps: ['sntryu_'],
  },
  {
    id: 'sentry-org-token', ...SENTRY, ruleId: 'MCPS101', description: 'Sentry organization auth token',
    regex: /(?<![\w-])sntrys_eyJ[A-Za-z0-9+/=]{40,800}_[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])/g,
    keywords: ['sntrys_'], entropy: 4, confidence: 'high',
    tps: ['SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MDAwMDAwMDAuMCwidXJsIjoiaHR0cHM6Ly9zZW50cnkuaW8iLCJyZWdpb25fdXJsIjoiaHR0cHM6Ly91cy5zZW50cnkuaW8iLCJvcmciOiJhY21lIn0=_<<b64:43>>'],
    fps: ['sntrys_eyJ'],
  },
  {
    id: 'doppler-token', provider: 'Doppler', providerId: 'doppler', ruleId: 'MCPS101', description: 'Doppler token',
    regex: /(?<![\w.-])dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}(?![A-Za-z0-9])/g,
    keywords: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'], entropy: 3.5, confidence: 'high',
    tps: ['DOPPLER_TOKEN=dp.pt.<<an:43>>'], fps: ['dp.pt.example'],
  },
  {
    id: '1password-service-account-token', provider: '1Password', providerId: '1password', ruleId: 'MCPS101', description: '1Password service account token',
    regex: /(?<![\w-])ops_eyJ[A-Za-z0-9+/]{250,4000}={0,3}(?![A-Za-z0-9+/=])/g,
    keywords: ['ops_eyJ'], entropy: 4, confidence: 'high',
    tps: ['OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ<<b64:300>>'], fps: ['ops_eyJhbGci'],
  },
  {
    id: 'vault-token', provider: 'HashiCorp Vault', providerId: 'vault', ruleId: 'MCPS101', description: 'HashiCorp Vault token',
    regex: /(?<![\w.-])hv[sb]\.[A-Za-z0-9_-]{90,120}(?![\w-])/g,
    keywords: ['hvs.', 'hvb.'], entropy: 3.5, confidence: 'high',
    tps: ['VAULT_TOKEN=hvs.<<b64u:95>>'], fps: ['hvs.short'],
  },
  {
    id: 'postman-api-key', provider: 'Postman', providerId: 'postman', ruleId: 'MCPS101', description: 'Postman API key',
    regex: /(?<![\w-])PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9])/g,
    keywords: ['PMAK-'], entropy: 3, confidence: 'high',
    tps: ['POSTMAN_API_KEY=PMAK-<<hex:24>>-<<hex:34>>'], fps: ['PMAK-'],
  },
  {
    id: 'pulumi-token', provider: 'Pulumi', providerId: 'pulumi', ruleId: 'MCPS101', description: 'Pulumi access token',
    regex: /(?<![\w-])pul-[a-f0-9]{40}(?![A-Za-z0-9])/g,
    keywords: ['pul-'], entropy: 3, confidence: 'high',
    tps: ['PULUMI_ACCESS_TOKEN=pul-<<hex:40>>'], fps: ['pul-request'],
  },
  {
    id: 'grafana-token', provider: 'Grafana', providerId: 'grafana', ruleId: 'MCPS101', description: 'Grafana service account token',
    regex: /(?<![\w-])glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Za-z0-9])/g,
    keywords: ['glsa_'], entropy: 3, confidence: 'high',
    tps: ['GRAFANA_API_KEY=glsa_<<an:32>>_<<hex:8>>'], fps: ['glsa_'],
  },
  {
    id: 'heroku-api-key', provider: 'Heroku', providerId: 'heroku', ruleId: 'MCPS101', description: 'Heroku API key',
    regex: /(?<![\w-])HRKU-AA[A-Za-z0-9_-]{58}(?![\w-])/g,
    keywords: ['HRKU-AA'], entropy: 3.5, confidence: 'high',
    tps: ['HEROKU_API_KEY=HRKU-AA<<b64u:58>>'], fps: ['HRKU-AA'],
  },
  {
    id: 'atlassian-api-token', provider: 'Atlassian', providerId: 'atlassian', ruleId: 'MCPS101', description: 'Atlassian API token',
    regex: /(?<![\w-])ATATT3[A-Za-z0-9_=-]{150,250}(?![A-Za-z0-9_=-])/g,
    keywords: ['ATATT3'], entropy: 3.5, confidence: 'high',
    tps: ['JIRA_API_TOKEN=ATATT3<<b64u:180>>=<<HEX:8>>'], fps: ['ATATT3'],
  },
];

/**
 * Context rules: values with no distinctive prefix that belong to a provider because of the
 * name they sit under, or because that provider's id sits next to them.
 */
export const CONTEXT_RULES: readonly ContextRule[] = [
  {
    id: 'aws-secret-access-key', ...AWS, ruleId: 'MCPS101', description: 'AWS secret access key',
    value: /^[A-Za-z0-9/+]{40}$/,
    key: /(?:^|_)secret_access_key$|^aws_secret(?:_key)?$|^aws_.*secret/,
    nearAnchor: 'aws-access-key-id', entropy: 4,
    tps: ['AWS_SECRET_ACCESS_KEY=<<b64:40>>', 'aws_access_key_id = AKIA<<a32:16>>\nsecret = <<b64:40>>'],
    fps: ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AWS_SESSION_NAME=<<b64:40>>'],
  },
  {
    id: 'datadog-api-key', provider: 'Datadog', providerId: 'datadog', ruleId: 'MCPS101', description: 'Datadog API key',
    value: /^[a-f0-9]{32}$/, key: /(?:^|_)(?:dd|datadog)(?:_[a-z]+)?_api_key$/, entropy: 3,
    tps: ['DD_API_KEY=<<hex:32>>', 'DATADOG_API_KEY="<<hex:32>>"'], fps: ['DD_API_KEY=00000000000000000000000000000000', 'DD_SITE=datadoghq.eu'],
  },
  {
    id: 'datadog-app-key', provider: 'Datadog', providerId: 'datadog', ruleId: 'MCPS101', description: 'Datadog application key',
    value: /^[a-f0-9]{40}$/, key: /(?:^|_)(?:dd|datadog)(?:_[a-z]+)?_(?:app|application)_key$/, entropy: 3,
    tps: ['DD_APP_KEY=<<hex:40>>', 'DD_APPLICATION_KEY=<<hex:40>>'], fps: ['DD_APP_KEY=${DD_APP_KEY}'],
  },
  {
    id: 'twilio-auth-token', ...TWILIO, ruleId: 'MCPS101', description: 'Twilio auth token',
    value: /^[a-f0-9]{32}$/, key: /^twilio_(?:.*_)?(?:auth_token|token|secret)$/, nearAnchor: 'twilio-account-sid', entropy: 3,
    tps: ['TWILIO_AUTH_TOKEN=<<hex:32>>', 'TWILIO_ACCOUNT_SID=AC<<hex:32>>\nAUTH_TOKEN=<<hex:32>>'],
    fps: ['TWILIO_AUTH_TOKEN=your_auth_token', 'BUILD_HASH=<<hex:32>>'],
  },
  {
    id: 'cohere-api-key', provider: 'Cohere', providerId: 'cohere', ruleId: 'MCPS101', description: 'Cohere API key',
    value: /^[A-Za-z0-9]{40}$/, key: /(?:^|_)(?:co|cohere)_api_key$/, entropy: 4,
    tps: ['COHERE_API_KEY=<<an:40>>', 'CO_API_KEY=<<an:40>>'], fps: ['COHERE_API_KEY=<cohere key>'],
  },
  {
    id: 'mistral-api-key', provider: 'Mistral AI', providerId: 'mistral', ruleId: 'MCPS101', description: 'Mistral AI API key',
    value: /^[A-Za-z0-9]{32}$/, key: /(?:^|_)mistral_api_key$/, entropy: 4,
    tps: ['MISTRAL_API_KEY=<<an:32>>'], fps: ['MISTRAL_API_KEY='],
  },
  {
    id: 'cloudflare-api-token', provider: 'Cloudflare', providerId: 'cloudflare', ruleId: 'MCPS101', description: 'Cloudflare API token',
    value: /^[A-Za-z0-9_-]{40}$/, key: /(?:^|_)(?:cloudflare|cf)_api_(?:token|key)$/, entropy: 4,
    tps: ['CLOUDFLARE_API_TOKEN=<<b64u:40>>'], fps: ['CLOUDFLARE_ACCOUNT_ID=<<hex:32>>'],
  },
];

export const PATTERN_RULES_BY_ID: ReadonlyMap<string, PatternRule> = new Map(PATTERN_RULES.map((r) => [r.id, r]));
