// `mcp-secure scan --all-files [--no-ignore]` through the built CLI: every other file of the
// folder is read for secrets (docs, scripts, plain text), each finding once, never a value in
// the output; --no-ignore also enters dependency and build folders and disregards .gitignore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const random = new SeededRandom('scan-all-files');
const github = () => expandSample('ghp_<<an:36>>', random);
const slack = () => expandSample('xoxb-<<dig:12>>-<<dig:13>>-<<an:24>>', random);

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  secret?: { provider: string; redacted: string };
}

function workspace(): { root: string; values: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'mcps-allfiles-'));
  const values = {
    config: github(),
    docs: slack(),
    script: github(),
    dependency: github(),
    build: slack(),
    ignored: github(),
  };
  const files: Record<string, string | Buffer> = {
    '.vscode/mcp.json': JSON.stringify({ servers: { gh: { command: 'npx', args: ['-y', 'server-github'], env: { GITHUB_TOKEN: values.config } } } }, null, 2),
    'docs/setup.md': `# Setup\n\nPost to Slack with:\n\n    SLACK_BOT_TOKEN=${values.docs}\n`,
    'scripts/deploy.sh': `#!/bin/sh\nexport GITHUB_TOKEN="${values.script}"\n./deploy\n`,
    'node_modules/left-pad/index.js': `module.exports.token = "${values.dependency}";\n`,
    'dist/bundle.js': `var slackToken = "${values.build}";\n`,
    '.gitignore': 'secrets.txt\n',
    'secrets.txt': `github token: ${values.ignored}\n`,
    'images/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    'notes.txt': 'nothing to see here: retries = 3, api docs at https://example.com/docs\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return { root, values };
}

function scan(root: string, ...flags: string[]): { code: number | null; findings: Finding[]; problems: Array<{ file: string; message: string }>; sweep?: { files: number; bytes: number }; output: string } {
  const run = spawnSync(process.execPath, [cli, 'scan', '--no-git', '--format', 'json', ...flags, root], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, run.error?.message);
  const parsed = JSON.parse(run.stdout) as { findings: Finding[]; problems: Array<{ file: string; message: string }>; sweep?: { files: number; bytes: number } };
  return { code: run.status, findings: parsed.findings, problems: parsed.problems, sweep: parsed.sweep, output: run.stdout + run.stderr };
}

const files = (findings: Finding[]) => findings.filter((f) => f.ruleId.startsWith('MCPS1')).map((f) => f.file).sort();

test('scan --all-files reads every other file of the folder; --no-ignore enters dependency and build folders and ignores .gitignore', () => {
  const { root, values } = workspace();
  try {
    const plain = scan(root);
    assert.deepEqual(files(plain.findings), ['.vscode/mcp.json'], 'without --all-files only MCP configs, .env files and server sources are read');
    assert.equal(plain.sweep, undefined);

    const all = scan(root, '--all-files');
    assert.equal(all.code, 1);
    assert.deepEqual(files(all.findings), ['.vscode/mcp.json', 'docs/setup.md', 'scripts/deploy.sh'], 'the config once, docs and scripts; not node_modules, dist or gitignored files');
    const docs = all.findings.find((f) => f.file === 'docs/setup.md')!;
    assert.equal(docs.line, 5);
    assert.equal(docs.secret?.provider, 'slack');
    assert.ok(all.problems.some((p) => /1 binary file not read for secrets/.test(p.message)), JSON.stringify(all.problems));
    // docs/setup.md, scripts/deploy.sh, notes.txt and .gitignore: not the config, not the binary.
    assert.equal(all.sweep?.files, 4);
    const text = spawnSync(process.execPath, [cli, 'scan', '--no-git', '--all-files', root], { encoding: 'utf8', timeout: 60_000 });
    assert.match(text.stdout, /Also read 4 other file\(s\), \d+ B, for secrets \(--all-files\)/);

    const everything = scan(root, '--all-files', '--no-ignore');
    assert.deepEqual(files(everything.findings), ['.vscode/mcp.json', 'dist/bundle.js', 'docs/setup.md', 'node_modules/left-pad/index.js', 'scripts/deploy.sh', 'secrets.txt']);

    // Reported redacted, never as values.
    for (const run of [plain, all, everything]) {
      for (const [where, value] of Object.entries(values)) assert.ok(!run.output.includes(value.slice(4, 16)), `${where}'s value reached the output`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('scan --all-files --max-file-size: larger files are counted in one note, not read', () => {
  const { root } = workspace();
  try {
    writeFileSync(join(root, 'docs', 'big.md'), `token: ${github()}\n`.padEnd(3 * 1024, '.'));
    const run = scan(root, '--all-files', '--max-file-size', '2');
    assert.ok(!run.findings.some((f) => f.file === 'docs/big.md'));
    assert.ok(run.problems.some((p) => /1 file over the 2 KB limit not read for secrets/.test(p.message)), JSON.stringify(run.problems));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
