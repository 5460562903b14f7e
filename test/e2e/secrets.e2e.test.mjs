// End-to-end test: secrets in a real VS Code (code-server + Debian's Chromium), with the
// packaged extension (dist/mcp-secure.vsix) and a real Secret Service (gnome-keyring).
//
//   1. live diagnostics: a key typed into an open config is flagged before it is saved
//   2. "Move to OS keychain" on the Slack token of .cursor/mcp.json: file on disk, keychain
//      item (secret-tool), diagnostic, launcher, Undo, and the Keychain group of the view
//   3. "Use a VS Code password input" on the Stripe key of .vscode/mcp.json
//
// Run through `npm test` (a private D-Bus session with an unlocked gnome-keyring, env
// MCP_SECURE_TEST_KEYRING=1), or alone:
//   npm run -s package && XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo -n x | gnome-keyring-daemon --unlock --components=secrets >/dev/null && MCP_SECURE_TEST_KEYRING=1 node --test --test-reporter=spec test/e2e/secrets.e2e.test.mjs'
// Without MCP_SECURE_TEST_KEYRING=1 the keychain tests are skipped (they would write to the
// user's own keychain).
//
// No secret value is ever printed: failures name values by a hash, and texts shown in
// messages are redacted. Environment as in vscode.e2e.test.mjs (MCP_SECURE_VSIX, E2E_RESULTS,
// E2E_DEBUG=1, E2E_KEEP=1).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import { onCleanup, prepareWorkspaceCopy, repoRoot } from '../../scripts/lib/code-server.mjs';
import { Session } from './lib/session.mjs';
import {
  chooseQuickFix,
  readEditor,
  expandTreeGroup,
  expandTreeRow,
  focusActiveEditor,
  gotoLineColumn,
  launchChromium,
  openFileQuickOpen,
  openMcpSecureView,
  openQuickFixMenu,
  problemsRows,
  screenshot,
  waitFor,
  widenSidebar,
} from './lib/workbench.mjs';

const VSIX = path.resolve(process.env.MCP_SECURE_VSIX || path.join(repoRoot, 'dist', 'mcp-secure.vsix'));
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const RESULTS = path.resolve(process.env.E2E_RESULTS || process.env.MCP_SECURE_TEST_RESULTS || path.join(repoRoot, 'test-results'));
const KEEP = process.env.E2E_KEEP === '1';
const DEBUG = process.env.E2E_DEBUG === '1';
const KEYRING = process.env.MCP_SECURE_TEST_KEYRING === '1';
const NO_KEYRING = !KEYRING && 'needs the test keyring: run through `npm test` or dbus-run-session (see the header of this file)';
const SERVICE = 'mcp-secure';
// Tall enough that a whole config file is rendered (the editor is read from its rendered lines).
const VIEWPORT = { width: 1440, height: 1400 };
const T0 = Date.now();
const debug = (msg) => DEBUG && console.log(`# [${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const CURSOR_CONFIG = '.cursor/mcp.json';
const VSCODE_CONFIG = '.vscode/mcp.json';

const WORKSPACE = prepareWorkspaceCopy(
  path.join(repoRoot, 'examples', 'demo-workspace'),
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcps-e2e-secrets-ws-')), 'demo-workspace'),
);
// Removed on any exit (also Ctrl-C or a crash), unless E2E_KEEP=1.
const unregisterWorkspace = onCleanup(() => KEEP || fs.rmSync(path.dirname(WORKSPACE), { recursive: true, force: true }));
const wsFile = (rel) => path.join(WORKSPACE, rel);
const readDisk = (rel) => fs.readFileSync(wsFile(rel), 'utf8');

// ---------------------------------------------------------------------------------------
// Never print a secret
// ---------------------------------------------------------------------------------------

const SECRETS = new Set();
const sha = (value) => crypto.createHash('sha256').update(value).digest('hex').slice(0, 12);
/** Registers a secret value (so redact() hides it) and returns a printable name for it. */
function secret(value) {
  SECRETS.add(value);
  return `<secret sha256:${sha(value)}>`;
}
/** Hides registered secrets and anything that looks like a long key in a text meant for output. */
function redact(text) {
  let out = String(text);
  for (const s of SECRETS) out = out.split(s).join(`<secret sha256:${sha(s)}>`);
  // Long runs with a 16+ character alphanumeric stretch (keys, tokens), not hyphenated names.
  return out.replace(/[A-Za-z0-9_-]{24,}/g, (m) => (/[A-Za-z0-9]{16,}/.test(m) ? `<redacted ${m.length} chars>` : m));
}
/** Which lines of two texts differ, redacted (for failure messages). */
function lineDiff(actual, expected, max = 6) {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const out = [];
  for (let i = 0; i < Math.max(a.length, e.length) && out.length < max; i++) {
    if (a[i] !== e[i]) out.push(`  line ${i + 1}: shows ${JSON.stringify(redact(a[i] ?? '(none)'))}, expected ${JSON.stringify(redact(e[i] ?? '(none)'))}`);
  }
  return out.join('\n') || '  (no line differs)';
}

/** A Linear API key made up for this run (never committed): lin_api_ + 40 random alphanumerics. */
function randomLinearKey() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(40);
  return `lin_api_${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** The value of a keychain item as secret-tool (libsecret, not keytar) sees it; null if absent. */
function secretToolLookup(account) {
  const r = spawnSync('secret-tool', ['lookup', 'service', SERVICE, 'account', account], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw new Error(`secret-tool could not run: ${r.error.message} (apt-get install libsecret-tools)`);
  return r.status === 0 ? r.stdout : null;
}

/** Lines of MCP Secure findings per workspace file, as the CLI reports them (same engine). */
function cliFindingLines() {
  const r = spawnSync(process.execPath, [CLI, 'scan', WORKSPACE, '--format', 'json', '--no-git'], { encoding: 'utf8', timeout: 60_000 });
  assert.ok(r.status === 0 || r.status === 1, `mcp-secure scan failed (exit ${r.status}): ${redact(r.stderr)}`);
  const byFile = {};
  for (const f of JSON.parse(r.stdout).findings) (byFile[f.file] ??= []).push(f.line);
  for (const k of Object.keys(byFile)) byFile[k].sort((a, b) => a - b);
  return byFile;
}

const markerLines = (snap) => [...new Set(snap.markers.map((m) => m.line))].sort((a, b) => a - b);
const sameLines = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle)) + 1; // 0: not found

// ---------------------------------------------------------------------------------------
// One trusted VS Code session (lib/session.mjs): a fake home, so the launcher is installed under
// its XDG_DATA_HOME. The D-Bus session (and so the keyring) comes from our environment, which
// code-server inherits.
// ---------------------------------------------------------------------------------------

const SESSION_SETTINGS = {
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'extensions.autoUpdate': false,
  // VS Code for the Web saves after a delay by default: "before saving" needs it off.
  'files.autoSave': 'off',
  // Typed text stays exactly as typed, no popups over the editor.
  'editor.autoClosingQuotes': 'never',
  'editor.autoClosingBrackets': 'never',
  'editor.autoSurround': 'never',
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
  'editor.hover.enabled': false,
  // The editor's text is read from its rendered lines: nothing else drawn in them.
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.renderWhitespace': 'none',
  'editor.wordWrap': 'off',
  'editor.codeLens': false,
  'editor.inlayHints.enabled': 'off',
  'workbench.editor.enablePreview': false,
};

/** Waits until the active editor is fully rendered with diagnostics (squiggles) on exactly `lines`. */
async function waitForMarkers(page, lines, what, timeout = 30_000) {
  let snap;
  return waitFor(
    async () => {
      snap = await readEditor(page);
      return snap?.complete && sameLines(markerLines(snap), lines) ? snap : null;
    },
    { timeout, message: () => `${what}: diagnostics on lines ${JSON.stringify(lines)}; the editor shows them on ${JSON.stringify(snap ? markerLines(snap) : null)}` },
  );
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

describe('MCP Secure secrets in a real VS Code (code-server + Chromium + gnome-keyring)', { timeout: 200_000 }, () => {
  const s = new Session({ name: 'secrets', workspace: WORKSPACE, vsix: VSIX, results: RESULTS, trusted: true, keep: KEEP, viewport: VIEWPORT, settings: SESSION_SETTINGS, redact, debug });
  let chromium;
  let expected; // finding lines per file, from the CLI
  const storedAccounts = [];

  before(async () => {
    try {
      assert.ok(fs.existsSync(VSIX), `${VSIX} does not exist. Build it first: \`npm run package\`.`);
      assert.ok(fs.existsSync(CLI), `${CLI} does not exist. Build it first: \`npm run package\`.`);
      expected = cliFindingLines();
      assert.ok(expected[CURSOR_CONFIG]?.length >= 2, `the demo's ${CURSOR_CONFIG} should have 2+ findings, the CLI reports ${JSON.stringify(expected[CURSOR_CONFIG])}`);
      fs.mkdirSync(RESULTS, { recursive: true });
      chromium = await launchChromium();
      await s.start(chromium);
    } catch (e) {
      s.setupError = e;
      await s.diagnose('start').catch(() => {});
    }
  });

  after(async () => {
    await s.stop();
    await chromium?.close();
    // The items this run stored, so a shared test keyring is left as it was found.
    for (const account of storedAccounts) spawnSync('secret-tool', ['clear', 'service', SERVICE, 'account', account], { timeout: 20_000 });
    if (!KEEP) fs.rmSync(path.dirname(WORKSPACE), { recursive: true, force: true });
    unregisterWorkspace();
  });

  it(
    'flags a key typed into an open config before it is saved, and forgets it on undo',
    { timeout: 60_000 },
    s.step('live-diagnostics', async () => {
      const { page } = s;
      const original = readDisk(CURSOR_CONFIG);
      const snap0 = await openFileQuickOpen(page, CURSOR_CONFIG, { timeout: 30_000 });
      assert.ok(snap0.text === original, `the editor does not show ${CURSOR_CONFIG} as on disk:\n${lineDiff(snap0.text, original)}`);
      // The diagnostics of the discovery scan: the same lines the CLI reports.
      const before = expected[CURSOR_CONFIG];
      await waitForMarkers(page, before, `${CURSOR_CONFIG} after opening`, 45_000);
      debug(`${CURSOR_CONFIG}: diagnostics on lines ${before.join(', ')}`);

      // Type a new plaintext key at the end of the Slack server's env entry (no save).
      const key = randomLinearKey();
      const keyName = secret(key);
      const line = lineOf(original, '"SLACK_TEAM_ID"');
      assert.ok(line > 0, `no "SLACK_TEAM_ID" line in ${CURSOR_CONFIG}`);
      await gotoLineColumn(page, line, original.split('\n')[line - 1].length + 1);
      const typed = `, "LINEAR_API_KEY": "${key}"`;
      const t0 = Date.now();
      await page.keyboard.insertText(typed);
      let snap;
      await waitFor(
        async () => {
          snap = await readEditor(page);
          return snap?.complete && snap.text.split('\n')[line - 1].endsWith(typed) && snap.markers.some((m) => m.line === line && m.severity === 'error');
        },
        {
          timeout: 5000,
          message: () =>
            `a diagnostic on line ${line} within 5 s of typing ${keyName} (unsaved); the editor shows diagnostics on ${JSON.stringify(snap && markerLines(snap))}, line ${line}: ${JSON.stringify(redact(snap?.text.split('\n')[line - 1] ?? ''))}`,
        },
      );
      const latency = Date.now() - t0;
      debug(`diagnostic for the typed key after ${latency} ms`);
      assert.deepEqual(markerLines(snap), [...new Set([...before, line])].sort((a, b) => a - b), 'diagnostics after typing: the old ones plus the new line');
      assert.ok(snap.dirty, 'the editor should be dirty (the typed key is not saved)');
      assert.ok(readDisk(CURSOR_CONFIG) === original, `${CURSOR_CONFIG} changed on disk: the test expects no save (files.autoSave off)`);

      // The Problems panel lists it, as MCP Secure's, on that line.
      await page.keyboard.press('Control+Shift+M');
      let rows = [];
      const row = await waitFor(
        async () => {
          rows = await problemsRows(page);
          return rows.find((r) => /Linear API key in LINEAR_API_KEY/.test(r.label) && new RegExp(`at line ${line} and character \\d+`).test(r.label) && /generated by MCP Secure/.test(r.label));
        },
        { timeout: 10_000, message: () => `a Problems panel entry for the typed key (Linear API key, line ${line}); rows: ${redact(JSON.stringify(rows.map((r) => r.label.slice(0, 120))))}` },
      );
      assert.match(row.label, /^Error: /, 'the typed key is reported as an error');
      const fileRow = rows.filter((r) => r.level === 1 && r.index < row.index).pop();
      assert.match(fileRow?.label ?? '', new RegExp(`^${before.length + 1} problems in file mcp\\.json of folder \\.cursor`), 'the Problems panel counts one more problem for .cursor/mcp.json');
      await screenshot(page, 'e2e-secrets-live-diagnostic.png', RESULTS);

      // Undo the typing: the text is as on disk again, not dirty, diagnostics as before.
      await page.keyboard.press('Control+J'); // hide the panel
      await focusActiveEditor(page);
      let undos = 0;
      for (; undos < 10; undos++) {
        const now = await readEditor(page);
        if (now.complete && now.text === original) break;
        await page.keyboard.press('Control+Z');
        await waitFor(async () => (await readEditor(page)).text !== now.text, { timeout: 3000, message: 'the editor to change on Ctrl+Z' });
      }
      debug(`undone with ${undos} Ctrl+Z`);
      const undone = await waitForMarkers(page, before, 'after undoing the typing', 10_000);
      assert.ok(undone.text === original, `after undo the editor differs from the file:\n${lineDiff(undone.text, original)}`);
      await waitFor(async () => !(await readEditor(page)).dirty, { timeout: 5000, message: 'the editor to be clean after undoing the typing' });
      assert.ok(readDisk(CURSOR_CONFIG) === original, `${CURSOR_CONFIG} changed on disk`);
    }),
  );

  it(
    '"Move to OS keychain" on the Slack token stores it, rewrites the config and can be undone',
    { timeout: 90_000, skip: NO_KEYRING },
    s.step('move-to-keychain', async () => {
      const { page } = s;
      const original = readDisk(CURSOR_CONFIG);
      const token = JSON.parse(original).mcpServers.slack.args.at(-1);
      assert.match(token, /^xoxb-/, 'the demo Slack server should end its args with a --token value');
      const tokenName = secret(token);
      const hf = JSON.parse(original).mcpServers.huggingface.headers.Authorization;
      secret(hf);

      const snap0 = await openFileQuickOpen(page, CURSOR_CONFIG);
      assert.ok(snap0.text === original, `the editor does not show ${CURSOR_CONFIG} as on disk:\n${lineDiff(snap0.text, original)}`);
      const beforeLines = expected[CURSOR_CONFIG];
      await waitForMarkers(page, beforeLines, `${CURSOR_CONFIG} before the quick fix`);
      const line = lineOf(original, token);
      assert.ok(beforeLines.includes(line), `the Slack token (line ${line}) should have a diagnostic`);
      await gotoLineColumn(page, line, original.split('\n')[line - 1].indexOf(token) + 1 + 4);

      // The quick fix menu.
      const entries = await openQuickFixMenu(page, { expect: ['Move to OS keychain', 'Move all secrets in this file to the OS keychain'] });
      const labels = entries.map((e) => e.label);
      debug(`quick fixes: ${JSON.stringify(labels)}`);
      await screenshot(page, 'e2e-secrets-quickfix-menu.png', RESULTS);
      assert.ok(labels.includes('Move to OS keychain'), `the quick fix menu lacks "Move to OS keychain": ${JSON.stringify(labels)}`);
      assert.ok(labels.includes('Move all secrets in this file to the OS keychain'), `the quick fix menu lacks "Move all secrets in this file to the OS keychain": ${JSON.stringify(labels)}`);
      assert.equal(entries.find((e) => e.focused)?.label, 'Move to OS keychain', 'the preferred fix ("Move to OS keychain") should be the focused entry');
      assert.ok(!labels.includes('Use a VS Code password input'), 'VS Code password inputs are offered for a Cursor config');
      await chooseQuickFix(page, 'Move to OS keychain');

      // (a) the file on disk names a keychain reference instead of the token.
      let disk;
      let config;
      await waitFor(
        () => {
          disk = readDisk(CURSOR_CONFIG);
          if (disk === original) return false;
          config = JSON.parse(disk);
          return !disk.includes(token) && config.mcpServers.slack.args.some((a) => a.startsWith(`keyring://${SERVICE}/`));
        },
        { timeout: 30_000, message: () => `${CURSOR_CONFIG} on disk to reference the keychain instead of ${tokenName} (it ${disk === original ? 'is unchanged' : `now reads:\n${redact(disk)}`})` },
      );
      const slack = config.mcpServers.slack;
      const reference = slack.args.at(-1);
      assert.match(reference, new RegExp(`^keyring://${SERVICE}/slack/`), `the token's argument should become a keyring reference, is ${redact(reference)}`);
      assert.equal(slack.args.at(-2), '--token', 'the --token flag stays in front of the reference');
      const account = reference.slice(`keyring://${SERVICE}/`.length);
      storedAccounts.push(account);
      debug(`reference ${reference}`);
      assert.deepEqual(Object.keys(config.mcpServers), ['github', 'slack', 'huggingface'], 'the servers of the config');
      assert.ok(disk.includes(hf), 'the Hugging Face token (a single-value fix) should be left where it is');

      // (b) the keychain holds exactly the token (secret-tool reads it through libsecret).
      const stored = secretToolLookup(account);
      assert.ok(stored !== null, `secret-tool finds no item service=${SERVICE} account=${account}`);
      assert.ok(stored === token, `the keychain item ${account} holds sha256:${sha(stored)} (${stored.length} chars), expected the token sha256:${sha(token)} (${token.length} chars)`);

      // (c) the editor shows the saved file, without the diagnostic for the token.
      const afterLines = cliFindingLines()[CURSOR_CONFIG] ?? [];
      assert.deepEqual(afterLines.length, beforeLines.length - 1, 'the CLI should find one secret less in the rewritten file');
      const snap1 = await waitForMarkers(page, afterLines, `${CURSOR_CONFIG} after the quick fix`, 15_000);
      assert.ok(snap1.text === disk, `the editor differs from the file on disk after the fix:\n${lineDiff(snap1.text, disk)}`);
      assert.ok(!snap1.dirty, 'the quick fix saves the file (the editor should not be dirty)');
      assert.ok(!snap1.markers.some((m) => m.line === lineOf(disk, reference)), 'the reference line still has a diagnostic');

      // (d) the server runs under the launcher, which exists and is executable.
      const launcher = path.join(s.env.XDG_DATA_HOME, 'mcp-secure', 'bin', 'mcp-secure-run');
      assert.equal(slack.command, launcher, 'the Slack server should now run under the launcher');
      assert.deepEqual(slack.args.slice(0, 3), ['--', 'npx', '-y'], 'the launcher gets "--" and the original command');
      const st = fs.statSync(launcher, { throwIfNoEntry: false });
      assert.ok(st?.isFile(), `the launcher ${launcher} does not exist`);
      assert.ok((st.mode & 0o111) !== 0, `the launcher is not executable (mode ${(st.mode & 0o777).toString(8)})`);

      // (f) the Keychain group of the MCP Secure view lists the entry and where it is used.
      await openMcpSecureView(page);
      await widenSidebar(page, 520);
      const items = await expandTreeGroup(page, 'Keychain', { timeout: 20_000, until: (rows) => rows.some((r) => r.label === account && r.description === '1 reference') });
      const refs = await expandTreeRow(page, account);
      assert.ok(
        refs.some((r) => r.label.startsWith('slack · ') && r.description.includes(CURSOR_CONFIG)),
        `the keychain entry ${account} should show its reference in slack (${CURSOR_CONFIG}); it shows ${JSON.stringify(refs)}`,
      );
      debug(`keychain group: ${JSON.stringify(items)}`);
      await screenshot(page, 'e2e-secrets-keychain-view.png', RESULTS);

      // (e) one Undo puts the original text (the token, the unwrapped command) back in the editor.
      await focusActiveEditor(page);
      await page.keyboard.press('Control+Z');
      let snap2;
      await waitFor(
        async () => {
          snap2 = await readEditor(page);
          return snap2?.complete && snap2.text === original;
        },
        { timeout: 10_000, message: () => `one Undo (Ctrl+Z) to restore the original text in the editor; it differs:\n${lineDiff(snap2?.text ?? '', original)}` },
      );
      await waitForMarkers(page, beforeLines, 'after Undo (the token is back)', 10_000);
      assert.ok(snap2.dirty, 'after Undo the editor holds unsaved changes');
      assert.ok(readDisk(CURSOR_CONFIG) === disk, 'Undo must not write the file (files.autoSave off): the disk keeps the reference');
    }),
  );

  it(
    '"Use a VS Code password input" on the Stripe key adds a password input to .vscode/mcp.json',
    { timeout: 60_000, skip: NO_KEYRING },
    s.step('password-input', async () => {
      const { page } = s;
      const original = readDisk(VSCODE_CONFIG);
      const value = /--api-key=(sk_[A-Za-z0-9_]+)/.exec(original)?.[1];
      assert.ok(value, `no --api-key=sk_… argument in ${VSCODE_CONFIG}`);
      const valueName = secret(value);
      for (const m of original.matchAll(/Bearer (ey[A-Za-z0-9_.-]+)/g)) secret(m[1]);

      const snap0 = await openFileQuickOpen(page, VSCODE_CONFIG);
      assert.ok(snap0.text === original, `the editor does not show ${VSCODE_CONFIG} as on disk:\n${lineDiff(snap0.text, original)}`);
      const line = lineOf(original, value);
      let snap;
      await waitFor(
        async () => {
          snap = await readEditor(page);
          return snap?.markers.some((m) => m.line === line && m.severity === 'error');
        },
        { timeout: 20_000, message: () => `a diagnostic on the Stripe key (line ${line}); diagnostics on ${JSON.stringify(snap && markerLines(snap))}` },
      );
      await gotoLineColumn(page, line, original.split('\n')[line - 1].indexOf(value) + 1 + 4);
      const labels = (await openQuickFixMenu(page, { expect: ['Use a VS Code password input'] })).map((e) => e.label);
      debug(`quick fixes: ${JSON.stringify(labels)}`);
      assert.ok(labels.includes('Use a VS Code password input'), `the quick fix menu lacks "Use a VS Code password input": ${JSON.stringify(labels)}`);
      await chooseQuickFix(page, 'Use a VS Code password input');

      let disk;
      let config;
      await waitFor(
        () => {
          disk = readDisk(VSCODE_CONFIG);
          if (disk === original) return false;
          config = parseJsonc(disk, [], { allowTrailingComma: true });
          return !disk.includes(value) && config?.servers?.stripe?.args?.some((a) => a.includes('${input:'));
        },
        { timeout: 30_000, message: () => `${VSCODE_CONFIG} on disk to use an input instead of ${valueName} (it ${disk === original ? 'is unchanged' : `now reads:\n${redact(disk)}`})` },
      );
      const arg = config.servers.stripe.args.find((a) => a.includes('${input:'));
      const id = /^--api-key=\$\{input:([^}]+)\}$/.exec(arg)?.[1];
      assert.ok(id, `the Stripe argument should read --api-key=\${input:<id>}, reads ${redact(arg)}`);
      const input = config.inputs?.find((i) => i.id === id);
      assert.ok(input, `no entry with id "${id}" in "inputs": ${JSON.stringify(config.inputs)}`);
      assert.equal(input.type, 'promptString', 'the new input is a promptString');
      assert.equal(input.password, true, 'the new input is a password input');
      assert.ok(config.inputs.some((i) => i.id === 'github_token'), 'the existing github_token input is kept');
      assert.equal(config.servers.stripe.command, 'npx', 'no launcher for a VS Code input: the command stays');
      assert.ok(disk.includes('// Good: the token is prompted for, never written here.'), 'the comments of the file are kept');

      // A copy is kept in the keychain (src/core/migrate/README.md); the log names the reference.
      const logged = await waitFor(
        () => [...s.logText().matchAll(/Moved (\d+) value\(s\) from (.+?) to the keychain: (.+)$/gm)].find((m) => m[2].endsWith(VSCODE_CONFIG)),
        { timeout: 10_000, message: `the "Moved … to the keychain" line for ${VSCODE_CONFIG} in the MCP Secure log` },
      );
      const reference = logged[3].trim();
      assert.match(reference, new RegExp(`^keyring://${SERVICE}/[^,\\s]+$`), `the log should name one keyring reference, names ${redact(reference)}`);
      const account = reference.slice(`keyring://${SERVICE}/`.length);
      storedAccounts.push(account);
      const stored = secretToolLookup(account);
      assert.ok(stored === value, `the keychain copy ${account} holds ${stored === null ? 'nothing' : `sha256:${sha(stored)}`}, expected sha256:${sha(value)}`);

      // The editor shows the saved file, and the Stripe line has no error any more.
      let snap1;
      await waitFor(
        async () => {
          snap1 = await readEditor(page);
          return snap1?.complete && snap1.text === disk && !snap1.dirty && !snap1.markers.some((m) => m.line === lineOf(disk, '${input:' + id + '}') && m.severity === 'error');
        },
        { timeout: 15_000, message: () => `the editor to show the saved ${VSCODE_CONFIG} without an error on the Stripe line; diagnostics on ${JSON.stringify(snap1 && markerLines(snap1))}, dirty: ${snap1?.dirty}\n${lineDiff(snap1?.text ?? '', disk)}` },
      );
      await screenshot(page, 'e2e-secrets-password-input.png', RESULTS);
    }),
  );
});
