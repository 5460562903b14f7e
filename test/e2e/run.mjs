#!/usr/bin/env node
// Runs the end-to-end test in a real VS Code:
//
//   node test/e2e/run.mjs              npm run package, then the test
//   node test/e2e/run.mjs --no-build   test the existing dist/mcp-secure.vsix
//
// The test itself: node --test test/e2e/vscode.e2e.test.mjs (node's test runner; its summary
// closes the output). Needs `npm run setup` once (Node 24 + code-server in .cache/vscode) and
// Debian's chromium at /usr/bin/chromium. Screenshots go to test-results/.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const passThrough = args.filter((a) => a !== '--no-build');

if (!noBuild && !process.env.MCP_SECURE_VSIX) {
  console.log('e2e: npm run package');
  const r = spawnSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`e2e: \`npm run package\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}
const vsix = process.env.MCP_SECURE_VSIX || path.join(root, 'dist', 'mcp-secure.vsix');
if (!fs.existsSync(vsix)) {
  console.error(`e2e: ${vsix} does not exist (run \`npm run package\`)`);
  process.exit(1);
}

const r = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', ...passThrough, path.join('test', 'e2e', 'vscode.e2e.test.mjs')],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
