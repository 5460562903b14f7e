// Incremental re-scan of an open config (src/core/scan/incremental.ts): after every one of many
// random edits — typing in values, pasting tokens, quotes and backslashes, multi-line pastes,
// edits in line and block comments (including ones that end the comment), deletions across
// structure, edits that break the JSON and ones that repair it — scanDocument() must return
// exactly what a full scan of the same text returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDocument, type DocumentKind } from '../../src/core/scan/scan';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';
import type { Finding } from '../../src/core/model';

const ROOT = '/incremental/workspace';
const FILE = `${ROOT}/.vscode/mcp.json`;
const KIND: DocumentKind = {
  type: 'config',
  candidate: { path: FILE, client: 'vscode', scope: 'workspace', format: 'jsonc', shape: 'vscode-servers', shared: false },
};

const TOKENS = ['ghp_<<an:36>>', 'xoxb-<<dig:12>>-<<dig:13>>-<<an:24>>', 'sk-ant-api03-<<b64u:93>>AA', '<<an:40>>', 'AKIA<<a32:16>>', '<<b64:40>>', 'Bearer <<an:40>>', 'postgres://app:<<an:16>>@db/app'];

function documentText(r: SeededRandom): string {
  const out = ['// Team servers', '/* shared', '   block comment */', '{', '  "inputs": [{ "id": "k", "type": "promptString", "password": true }],', '  "servers": {'];
  const n = 12;
  for (let i = 0; i < n; i++) {
    const secret = () => expandSample(TOKENS[r.int(TOKENS.length)]!, r);
    out.push(`    // server ${i}`);
    if (i % 3 === 1) {
      out.push(`    "remote-${i}": {`, '      "type": "http",', `      "url": "https://mcp-${i}.example.com/mcp?key=${r.int(2) ? secret() : 'x'}",`, `      "headers": { "Authorization": "${secret()}", "X-Team": "team-${i}" }`, `    }${i < n - 1 ? ',' : ''}`);
    } else {
      out.push(
        `    "local-${i}": {`,
        '      "command": "npx",',
        `      "args": ["-y", "@acme/server-${i}", "--api-key", "${secret()}"],`,
        '      "env": {',
        `        "AWS_ACCESS_KEY_ID": "${secret()}",`,
        `        "AWS_SECRET_ACCESS_KEY": "${secret()}", /* inline */`,
        `        "API_TOKEN": "${r.int(2) ? secret() : '${input:k}'}"`,
        '      }',
        `    }${i < n - 1 ? ',' : ''}`,
      );
    }
  }
  out.push('  }', '}', '');
  return out.join('\n');
}

/** One random edit, biased to where typing happens: inside string values and comments. */
function edit(text: string, r: SeededRandom): string {
  const pick = (chars: string[]) => chars[r.int(chars.length)]!;
  const insertAt = (at: number, s: string) => text.slice(0, at) + s + text.slice(at);
  const inString = () => {
    const quotes = [...text.matchAll(/"([^"\\\n]*)"/g)];
    const m = quotes[r.int(quotes.length)]!;
    return m.index! + 1 + r.int(m[1]!.length + 1);
  };
  const inComment = () => {
    const comments = [...text.matchAll(/\/\/[^\n]*|\/\*[^]*?\*\//g)];
    const m = comments[r.int(comments.length)]!;
    return m.index! + r.int(m[0].length + 1);
  };
  switch (r.int(12)) {
    case 0:
    case 1:
    case 2: // type a character in a value
      return insertAt(inString(), pick(['a', 'Z', '7', '-', '_', ' ', '.', '/', ':', '@', '=', '$', '{', 'é']));
    case 3: {
      // delete a few characters in a value (maybe across its quote)
      const at = inString();
      return text.slice(0, at) + text.slice(at + 1 + r.int(3));
    }
    case 4: // paste a token into a value
      return insertAt(inString(), expandSample(pick(TOKENS), r));
    case 5: // a quote, a backslash, a line break in a value
      return insertAt(inString(), pick(['"', '\\', '\\n', '\n', '\t', '\\"', '\\u0041']));
    case 6:
    case 7: // type in a comment, sometimes ending it
      return insertAt(inComment(), pick(['x', ' ', 'mcp-secure-ignore MCPS101 test fixture', '*/', '/*', '\n', '//', '*', '/', '"']));
    case 8: {
      // multi-line paste anywhere
      const at = r.int(text.length + 1);
      return insertAt(at, pick(['\n  // note\n', '\n    "X_API_KEY": "<<an:32>>",\n', '/* a\nb */', '\n\n']).replace(/<<an:32>>/, expandSample('<<an:32>>', r)));
    }
    case 9: {
      // delete a span anywhere (often breaks the JSON)
      const at = r.int(text.length);
      return text.slice(0, at) + text.slice(at + 1 + r.int(20));
    }
    case 10: // a structural character anywhere
      return insertAt(r.int(text.length + 1), pick([',', '}', '{', '[', ']', ':', '"']));
    default: {
      // replace a whole value
      const quotes = [...text.matchAll(/"([^"\\\n]*)"/g)];
      const m = quotes[r.int(quotes.length)]!;
      return text.slice(0, m.index! + 1) + expandSample(pick(TOKENS), r) + text.slice(m.index! + 1 + m[1]!.length);
    }
  }
}

/** Findings as comparable data; values never printed: ranges, rules, fingerprints, messages are value-free or redacted. */
const view = (fs: Finding[]) => fs.map((f) => ({ ...f }));

test('incremental re-scan equals a full scan after each of 1,500 random edits', () => {
  let incremental = 0;
  let steps = 0;
  for (let doc = 0; doc < 6; doc++) {
    const r = new SeededRandom(`incremental:${doc}`);
    let text = documentText(r);
    const file = `${FILE}.${doc}`;
    scanDocument(file, text, KIND, ROOT); // the first scan is a full one
    let broken = false;
    let clean = text;
    for (let step = 0; step < 250; step++) {
      // A broken document is mostly repaired next (undo), as when typing; sometimes edited further.
      text = broken && r.int(4) !== 0 ? clean : edit(text, r);
      if (step % 50 === 49) text = documentText(r);
      const fast = scanDocument(file, text, KIND, ROOT);
      const full = scanDocument(file, text, KIND, ROOT, undefined, { incremental: false });
      steps++;
      if (fast.incremental) incremental++;
      assert.equal(full.incremental, false);
      assert.deepEqual(view(fast.findings), view(full.findings), `document ${doc}, edit ${step}: findings differ`);
      assert.deepEqual(view(fast.suppressed), view(full.suppressed), `document ${doc}, edit ${step}: suppressed findings differ`);
      broken = full.findings.some((f) => f.ruleId === 'MCPS301');
      if (!broken) clean = text;
    }
  }
  console.log(`incremental re-scan: ${incremental} of ${steps} edits took the incremental path`);
  // The test is only worth something if both paths ran often.
  assert.ok(incremental > steps * 0.2, `only ${incremental} of ${steps} edits were incremental`);
  assert.ok(steps - incremental > steps * 0.1, 'the full path hardly ran');
});

test('incremental re-scan: typing a secret into a value finds it, deleting it clears it, positions after it move', () => {
  const text = documentText(new SeededRandom('incremental:typing'));
  const file = `${FILE}.typing`;
  const anchor = text.indexOf('"X-Team": "team-') + '"X-Team": "'.length;
  scanDocument(file, text, KIND, ROOT);
  const token = expandSample('ghp_<<an:36>>', new SeededRandom('typed'));
  let current = text;
  let last = scanDocument(file, current, KIND, ROOT);
  for (let i = 1; i <= token.length; i++) {
    current = text.slice(0, anchor) + token.slice(0, i) + text.slice(anchor);
    last = scanDocument(file, current, KIND, ROOT);
    assert.equal(last.incremental, true, `keystroke ${i} took the full path`);
  }
  const full = scanDocument(file, current, KIND, ROOT, undefined, { incremental: false });
  assert.deepEqual(view(last.findings), view(full.findings));
  assert.ok(last.findings.some((f) => f.range.start.offset === anchor && f.secret?.provider === 'github'));
  const back = scanDocument(file, text, KIND, ROOT);
  assert.deepEqual(view(back.findings), view(scanDocument(file, text, KIND, ROOT, undefined, { incremental: false }).findings));
});
