// The engine side of `secret-scan-vs-secretlint` / `secret-scan-vs-rg-patterns`: walks a folder,
// reads every file and runs scanTextForSecrets over it, as `mcp-secure scan` does for each file
// it scans. bench/secrets.mjs bundles this with esbuild (so the timed process does no
// TypeScript work) and runs it as a new Node process: startup is part of the time, as it is
// for secretlint and rg. Prints one JSON line: files, bytes, findings, by detector.
//   node secrets-runner.cjs <folder>
//   node secrets-runner.cjs --patterns      the provider rules' regexes, for the rg baseline
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PATTERN_RULES, scanTextForSecrets } from '../../src/core/secrets/index.ts';

const SOURCE = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '.json']);
const DOTENV = new Set(['.env']);

/** How mcp-secure reads a file of this name: dotenv, source code (and JSON), or plain text. */
export function kindOf(file) {
  const ext = extname(file).toLowerCase();
  const base = file.slice(file.lastIndexOf('/') + 1);
  if (DOTENV.has(ext) || base === '.env' || base.startsWith('.env.')) return 'dotenv';
  return SOURCE.has(ext) ? 'source' : 'plain';
}

if (process.argv[2] === '--patterns') {
  process.stdout.write(JSON.stringify(PATTERN_RULES.map((r) => ({ id: r.id, source: r.regex.source, flags: r.regex.flags }))) + '\n');
  process.exit(0);
}

const root = process.argv[2];
let files = 0;
let bytes = 0;
let findings = 0;
const byDetector = {};
const stack = [root];
while (stack.length > 0) {
  const dir = stack.pop();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      stack.push(path);
      continue;
    }
    if (!entry.isFile()) continue;
    const buffer = readFileSync(path);
    files++;
    bytes += buffer.length;
    const text = buffer.toString('utf8');
    for (const m of scanTextForSecrets(text, kindOf(path))) {
      findings++;
      byDetector[m.detector] = (byDetector[m.detector] ?? 0) + 1;
    }
  }
}
process.stdout.write(JSON.stringify({ files, bytes, findings, byDetector }) + '\n');
