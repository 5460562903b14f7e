// End-to-end test: the principal matrix in a real VS Code (code-server + Debian's Chromium),
// with the packaged extension (dist/mcp-secure.vsix), in one trusted session.
//
//   1. "MCP Secure: Run Principal Matrix" from the palette: the status bar item shows the same
//      numbers as `mcp-secure matrix --format json` on the same copy (54 cells, 14 mismatches),
//      the Testing view shows matrix file → tools → principals with every cell's state equal to
//      the CLI's, and the Test Results panel shows a failed cell's message (expected vs actual)
//   2. the run leaves no process behind (nothing naming the workspace copy or src/http.ts), and
//      the harness did start the notes-server during the run (control)
//   3. the grid webview (opened after the run; also from the status bar item): as many cells as
//      the CLI's tools × principals, each with the CLI's outcome, mismatches outlined + ✖ icon +
//      "mismatch" in the accessible name, the reason in the tooltip (never a token), the summary
//      line, "Mismatches only", a strict CSP with a nonce (e2e-matrix-grid.png,
//      e2e-matrix-grid-mismatches.png)
//   4. clicking a grid cell reveals it in the Testing view; "Re-run this cell" runs only that
//      cell (log), the grid and the status bar keep the other cells; no process left
//   5. "Debug this cell": the server starts under --inspect-brk, js-debug attaches, the cell
//      passes, the session and the server end with the run (e2e-matrix-debug.png)
//   6. "MCP Secure: Create Principal Matrix" without mcp-matrix.json: pick notes-server, pick the
//      launch of .vscode/mcp.json, confirm the modal (nothing starts before), the server is
//      started to list its tools and stopped; the file has those tools, the config's launch,
//      principals readonly/user/admin from the scopes the lint found, no value from the configs
//   7. the created file's // comment header is not flagged as JSON errors (it is JSONC)
//   8. Debug on a Go server: refused with the reason, nothing started
//
// The demo's notes-server runs `node --import tsx src/http.ts` and finds tsx, the MCP SDK, zod
// and jose in the repository's node_modules by walking up: so the workspace copy lives inside
// the repository (.cache/e2e-matrix/, gitignored), not in /tmp.
//
// Run through `npm test`, or alone:
//   npm run -s package && XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'echo -n x | gnome-keyring-daemon --unlock --components=secrets >/dev/null && MCP_SECURE_TEST_KEYRING=1 node --test --test-reporter=spec test/e2e/matrix.e2e.test.mjs'
// (The matrix needs no keychain; the test runs without the keyring too.) Environment as in
// vscode.e2e.test.mjs (MCP_SECURE_VSIX, E2E_RESULTS, E2E_DEBUG=1, E2E_KEEP=1).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import {
  listProcesses,
  onCleanup,
  prepareWorkspaceCopy,
  repoRoot,
} from '../../scripts/lib/code-server.mjs';
import { ProcessSampler, describeProcs } from './lib/processes.mjs';
import { Session } from './lib/session.mjs';
import {
  errorNotifications,
  launchChromium,
  openDialog,
  editorSnapshot,
  paletteEntries,
  runCommand,
  screenshot,
  waitFor,
  widenSidebar,
} from './lib/workbench.mjs';

const VSIX = path.resolve(process.env.MCP_SECURE_VSIX || path.join(repoRoot, 'dist', 'mcp-secure.vsix'));
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const RESULTS = path.resolve(process.env.E2E_RESULTS || process.env.MCP_SECURE_TEST_RESULTS || path.join(repoRoot, 'test-results'));
const KEEP = process.env.E2E_KEEP === '1';
const DEBUG = process.env.E2E_DEBUG === '1';
const VIEWPORT = { width: 1440, height: 1000 };
const T0 = Date.now();
const debug = (msg) => DEBUG && console.log(`# [${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const MATRIX_FILE = 'mcp-matrix.json';
const TOOLS = ['list_notes', 'read_note', 'create_note', 'delete_note', 'export_notes', 'run_report'];
const RUN_COMMAND = 'MCP Secure: Run Principal Matrix';
const CREATE_COMMAND = 'MCP Secure: Create Principal Matrix';

// Inside the repository (see the header), one folder per run so parallel runs do not collide.
const COPY_ROOT = path.join(repoRoot, '.cache', 'e2e-matrix');
fs.mkdirSync(COPY_ROOT, { recursive: true });
const RUN_DIR = fs.mkdtempSync(path.join(COPY_ROOT, 'run-'));
const WORKSPACE = prepareWorkspaceCopy(path.join(repoRoot, 'examples', 'demo-workspace'), path.join(RUN_DIR, 'demo-workspace'));
const FOLDER_NAME = path.basename(WORKSPACE);
const unregisterWorkspace = onCleanup(() => KEEP || fs.rmSync(RUN_DIR, { recursive: true, force: true }));

/** `mcp-secure matrix --format json` on the workspace copy (same core as the extension). */
function cliMatrix() {
  const r = spawnSync(process.execPath, [CLI, 'matrix', '--format', 'json'], { cwd: WORKSPACE, encoding: 'utf8', timeout: 90_000 });
  assert.ok(r.status === 0 || r.status === 1, `mcp-secure matrix failed (exit ${r.status}, ${r.signal ?? 'no signal'}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Processes (anywhere on the machine) whose command line names the copy or the notes-server entry. */
function leftovers() {
  return listProcesses().filter(
    (p) =>
      p.pid !== process.pid &&
      // code-server itself (and its watchdog child) names the folder it opened: not a leftover.
      !/\/code-server\/out\/node\/entry\.js\s/.test(p.cmdline) &&
      (p.cmdline.includes(WORKSPACE) || /(^|[\s/])src\/http\.ts(\s|$)/.test(p.cmdline)),
  );
}

// ---------------------------------------------------------------------------------------
// The Testing view and the Test Results panel
// ---------------------------------------------------------------------------------------

const TESTING_TREE = '.test-explorer [role="tree"]';

/**
 * The rendered rows of the Testing view's tree, in order:
 * [{ index, level, expanded, label, description, ariaLabel, state }], state from the icon class
 * (codicon-testing-<state>-icon), e.g. 'passed', 'failed', 'unset'.
 */
async function testingRows(page) {
  return page
    .$$eval(`${TESTING_TREE} .monaco-list-row`, (rows) =>
      rows
        .map((r) => {
          const icon = r.querySelector('.computed-state, [class*="codicon-testing-"]');
          const m = /codicon-testing-([a-z-]+?)-icon/.exec(icon?.className ?? '');
          return {
            index: Number(r.getAttribute('data-index')),
            level: Number(r.getAttribute('aria-level')),
            expanded: r.getAttribute('aria-expanded'),
            // <div class="label">name<span class="test-label-description">description · duration</span></div>
            label: [...(r.querySelector('.label')?.childNodes ?? [])].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim(),
            description: (r.querySelector('.label .test-label-description')?.textContent ?? '').trim(),
            ariaLabel: r.getAttribute('aria-label') ?? '',
            state: m ? m[1] : null,
          };
        })
        .sort((a, b) => a.index - b.index),
    )
    .catch(() => []);
}

/** Children rows of the row at `parent` (by label and level), among rendered rows. */
function childrenOf(rows, label, level) {
  const start = rows.findIndex((r) => r.level === level && r.label === label);
  if (start < 0) return null;
  const out = [];
  for (const r of rows.slice(start + 1)) {
    if (r.level <= level) break;
    if (r.level === level + 1) out.push(r);
  }
  return out;
}

/** Expands a row of the Testing tree (by label and level) and returns its children once rendered. */
async function expandTestingRow(page, label, level, { timeout = 10_000, expectChildren = 1 } = {}) {
  let rows0 = [];
  await waitFor(async () => (rows0 = await testingRows(page)).some((r) => r.level === level && r.label === label), {
    timeout,
    message: () => `a Testing view row "${label}" (level ${level}); rows: ${JSON.stringify(rows0.map((r) => `${r.level} ${r.label}`))}`,
  });
  const me = rows0.find((r) => r.level === level && r.label === label);
  if (me.expanded === 'false') await page.locator(`${TESTING_TREE} .monaco-list-row[data-index="${me.index}"] .monaco-tl-twistie`).click();
  let rows = [];
  return waitFor(
    async () => {
      rows = await testingRows(page);
      const me = rows.find((r) => r.level === level && r.label === label);
      const kids = childrenOf(rows, label, level);
      return me?.expanded === 'true' && kids && kids.length >= expectChildren ? kids : null;
    },
    { timeout, message: () => `the Testing view row "${label}" (level ${level}) to expand; rows: ${JSON.stringify(rows.map((r) => `${r.level} ${r.label} ${r.state}`))}` },
  );
}

/** Collapses every expanded row of the Testing tree at `level` except `keep`. */
async function collapseTestingRows(page, level, keep) {
  for (let i = 0; i < 20; i++) {
    const rows = await testingRows(page);
    const open = rows.find((r) => r.level === level && r.expanded === 'true' && r.label !== keep);
    if (!open) return;
    await page
      .locator(`${TESTING_TREE} .monaco-list-row[data-index="${open.index}"] .monaco-tl-twistie`)
      .click()
      .catch(() => {});
    await page.waitForTimeout(100);
  }
}

/**
 * Waits until the command palette lists `title`, reopening the palette on every try: the first
 * palette opened after the workbench loads sometimes keeps a partial query or a list from
 * before the extension's commands were registered, and never updates.
 */
async function waitForPaletteCommand(page, title, { timeout = 45_000 } = {}) {
  const deadline = Date.now() + timeout;
  let labels = [];
  let tries = 0;
  while (Date.now() < deadline) {
    tries++;
    labels = await paletteEntries(page, title, { timeout: 4000, expect: [title] });
    const value = await page.locator('.quick-input-widget .quick-input-box input').inputValue().catch(() => '?');
    await page.keyboard.press('Escape');
    if (labels.some((l) => l.startsWith(title))) {
      debug(`"${title}" in the palette after ${tries} tries`);
      return;
    }
    debug(`palette try ${tries}: input ${JSON.stringify(value)}, entries ${JSON.stringify(labels.slice(0, 5))}`);
    await page.waitForTimeout(500);
  }
  throw new Error(`"${title}" did not appear in the command palette within ${timeout} ms (${tries} tries); it shows ${JSON.stringify(labels)}`);
}

// ---------------------------------------------------------------------------------------
// The grid webview (code-server: iframe.webview → iframe#active-frame → the page)
// ---------------------------------------------------------------------------------------

const GRID_TITLE = 'Principal Matrix';

function gridFrame(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** The grid's cell buttons: tool, principal, state, expectation, mismatch flag, classes, tooltip, aria label, icon. */
async function readGridCells(grid) {
  return grid
    .locator('[data-cell]')
    .evaluateAll((els) =>
      els.map((e) => ({
        tool: e.dataset.tool,
        principal: e.dataset.principal,
        state: e.dataset.state,
        expected: e.dataset.expected,
        mismatch: e.dataset.mismatch === 'true',
        classes: e.className,
        title: e.getAttribute('title') ?? '',
        aria: e.getAttribute('aria-label') ?? '',
        icon: !!e.querySelector('.icon'),
      })),
    )
    .catch(() => []);
}

/** The status bar entry of the matrix: its text (codicons dropped), or null. */
async function matrixStatus(page) {
  return page
    .$$eval('.part.statusbar .statusbar-item', (items) =>
      items.map((i) => (i.textContent ?? '').replace(/\s+/g, ' ').trim()).find((t) => /\bMatrix \d+\/\d+/.test(t)) ?? null,
    )
    .catch(() => null);
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

describe('MCP Secure principal matrix in a real VS Code (code-server + Chromium)', { timeout: 240_000 }, () => {
  const s = new Session({
    name: 'matrix',
    workspace: WORKSPACE,
    vsix: VSIX,
    results: RESULTS,
    keep: KEEP,
    viewport: VIEWPORT,
    debug,
    settings: {
      'git.enabled': false,
      'git.autoRepositoryDetection': false,
      'extensions.autoUpdate': false,
      'workbench.editor.enablePreview': false,
      'editor.minimap.enabled': false,
      // The test opens the results itself; no peek popping up over the editor.
      'testing.automaticallyOpenPeekView': 'never',
      'testing.automaticallyOpenTestResults': 'neverOpen',
    },
    diagnostics: async (page) => [
      `status bar matrix item: ${await matrixStatus(page).catch(() => '?')}`,
      `testing rows: ${JSON.stringify((await testingRows(page)).map((r) => `${r.level} ${r.label} ${r.state} | ${r.ariaLabel}`))}`,
      `error notifications: ${JSON.stringify(await errorNotifications(page))}`,
      ...(DEBUG ? [`first testing row: ${await page.locator(`${TESTING_TREE} .monaco-list-row`).first().innerHTML().catch(() => '?')}`] : []),
    ],
  });
  let chromium;
  let expected; // the CLI's result on the same copy
  let runFinishedAt = 0;
  let created = false;

  before(async () => {
    try {
      assert.ok(fs.existsSync(VSIX), `${VSIX} does not exist. Build it first: \`npm run package\`.`);
      assert.ok(fs.existsSync(CLI), `${CLI} does not exist. Build it first: \`npm run package\`.`);
      const t = Date.now();
      expected = cliMatrix();
      debug(`CLI matrix: ${JSON.stringify(expected.summary)} in ${Date.now() - t} ms`);
      assert.deepEqual(
        { total: expected.summary.total, failed: expected.summary.failed },
        { total: 54, failed: 14 },
        'the CLI on the demo copy should report 54 cells with 14 mismatches (examples/demo-workspace/README.md)',
      );
      assert.deepEqual(leftovers(), [], 'the CLI run left a process behind');
      fs.mkdirSync(RESULTS, { recursive: true });
      chromium = await launchChromium();
      // Every process code-server starts is sampled from before the window connects.
      await s.start(chromium, { beforeBrowser: (server) => { s.sampler = new ProcessSampler(server.pid, { intervalMs: 100, envMarker: server.envMarker }).start(); } });
    } catch (e) {
      s.setupError = e;
      await s.diagnose('start').catch(() => {});
    }
  });

  after(async () => {
    s.sampler?.stop();
    await s.stop();
    await chromium?.close();
    if (!KEEP) fs.rmSync(RUN_DIR, { recursive: true, force: true });
    unregisterWorkspace();
  });

  it(
    '"Run Principal Matrix" reports the CLI\'s numbers in the status bar and every cell in the Testing view',
    { timeout: 120_000 },
    s.step('run', async () => {
      const { page } = s;
      s.sampler.mark('before-run');
      await waitForPaletteCommand(page, RUN_COMMAND);
      const t0 = Date.now();
      // Runs in the background (a progress notification); the modal dialog would be an error.
      await runCommand(page, RUN_COMMAND, { timeout: 30_000 });
      const want = `Matrix ${expected.summary.passed}/${expected.summary.total} · ${expected.summary.failed} mismatches`;
      let status = null;
      await waitFor(
        async () => {
          const dialog = await openDialog(page);
          if (dialog) throw new Error(`a dialog appeared during the run: ${dialog.text.trim()}`);
          status = await matrixStatus(page);
          return status;
        },
        { timeout: 60_000, interval: 200, message: async () => `the status bar item "Matrix …" after the run; error notifications: ${JSON.stringify(await errorNotifications(page))}` },
      );
      runFinishedAt = Date.now();
      debug(`status bar "${status}" after ${runFinishedAt - t0} ms`);
      assert.equal(status, want, `the status bar should show the CLI's numbers (${JSON.stringify(expected.summary)})`);
      assert.deepEqual(await errorNotifications(page), [], 'error notifications after the run');
      const log = s.logText();
      assert.match(
        log,
        new RegExp(`Principal matrix: ${expected.summary.passed}/${expected.summary.total} cells as expected, ${expected.summary.failed} mismatch`),
        'the MCP Secure log summarises the run',
      );

      // The Testing view is focused after the run: matrix file → tools.
      await widenSidebar(page, 520);
      const rootLabel = `${FOLDER_NAME} · ${MATRIX_FILE}`;
      let rows = [];
      await waitFor(
        async () => {
          rows = await testingRows(page);
          return rows.some((r) => r.level === 1 && r.label === rootLabel);
        },
        { timeout: 20_000, message: () => `the Testing view to show "${rootLabel}"; rows: ${JSON.stringify(rows.map((r) => `${r.level} ${r.label}`))}` },
      );
      const tools = await expandTestingRow(page, rootLabel, 1, { expectChildren: TOOLS.length });
      debug(`tools: ${JSON.stringify(tools.map((r) => `${r.label} ${r.state} | ${r.ariaLabel}`))}`);
      // (VS Code sorts items without a range by label: alphabetical, not the file's order.)
      assert.deepEqual(tools.map((r) => r.label).sort(), [...TOOLS].sort(), 'the tools under the matrix file');
      const root = (await testingRows(page)).find((r) => r.level === 1 && r.label === rootLabel);
      assert.equal(root.state, 'failed', 'the matrix file item is failed (it has mismatches)');

      // Every tool, every principal: the state equals the CLI's verdict.
      const byCell = new Map(expected.cells.map((c) => [`${c.tool}/${c.principal}`, c]));
      for (const tool of TOOLS) {
        const cells = expected.cells.filter((c) => c.tool === tool);
        const toolState = cells.some((c) => !c.pass) ? 'failed' : 'passed';
        assert.equal(tools.find((r) => r.label === tool).state, toolState, `the state of tool ${tool}`);
        await collapseTestingRows(page, 2, tool);
        const principals = await expandTestingRow(page, tool, 2, { expectChildren: cells.length });
        assert.deepEqual(
          principals.map((r) => r.label).sort(),
          cells.map((c) => c.principal).sort(),
          `the principals under ${tool}`,
        );
        for (const r of principals) {
          const cell = byCell.get(`${tool}/${r.label}`);
          const want = cell.pass ? 'passed' : 'failed';
          assert.equal(r.state, want, `${tool} / ${r.label}: the CLI says expected ${cell.expected}, got ${cell.actual}; the Testing view shows ${r.state} (${r.ariaLabel})`);
          // The aria label carries the state too (screen readers).
          assert.match(r.ariaLabel, new RegExp(want === 'failed' ? 'fail' : 'pass', 'i'), `the aria label of ${tool} / ${r.label}`);
        }
        if (tool === 'delete_note') {
          const st = Object.fromEntries(principals.map((r) => [r.label, r.state]));
          assert.deepEqual({ anonymous: st.anonymous, reader: st.reader, admin: st.admin }, { anonymous: 'failed', reader: 'failed', admin: 'passed' }, 'delete_note: anonymous and reader fail, admin passes');
          assert.match(principals.find((r) => r.label === 'anonymous').description, /^hostile\b/, 'built-in principals are described as hostile');
        }
      }
      // Leave delete_note open for the screenshot.
      await collapseTestingRows(page, 2, 'delete_note');
      await expandTestingRow(page, 'delete_note', 2, { expectChildren: 9 });
      await screenshot(page, 'e2e-matrix-test-explorer.png', RESULTS);

      // The message of a failed cell: select it in the Test Results panel (the status bar
      // item's command opens it), which shows expected vs actual.
      const failedCell = byCell.get('delete_note/reader');
      const { rows: resultRows } = await openFailureMessage(page, failedCell);
      // Its rows (the list is virtualised: those rendered) are mismatches of the CLI; each failed
      // cell has exactly two messages: the reason in words, and the expected/actual diff.
      const messages = resultRows.filter((r) => / → [a-z_]+: expected /.test(r.ariaLabel)).map((r) => r.ariaLabel.split(':')[0]);
      const mismatches = new Set(expected.cells.filter((c) => !c.pass).map((c) => `${c.principal} → ${c.tool}`));
      assert.ok(messages.length >= Math.min(8, mismatches.size), `the Test Results panel shows few messages: ${JSON.stringify(messages)}`);
      assert.deepEqual(messages.filter((m) => !mismatches.has(m)), [], 'Test Results messages for cells the CLI does not report as mismatches');
      const perCell = new Map();
      for (const m of messages) perCell.set(m, (perCell.get(m) ?? 0) + 1);
      assert.deepEqual([...perCell].filter(([, n]) => n > 2), [], `a cell has more than two messages: ${JSON.stringify(messages)}`);
      // The selected message is shown as a diff (expected | actual) in the panel.
      let shown = '';
      await waitFor(
        async () => {
          shown = await page
            .$$eval('.part.panel .monaco-diff-editor .view-lines', (els) => els.map((e) => e.textContent.replace(/\u00a0/g, ' ').trim()))
            .catch(() => []);
          // Rendered, with the diff computed (the changed lines decorated).
          const decorated = (await page.locator('.part.panel .monaco-diff-editor .line-insert, .part.panel .monaco-diff-editor .char-insert').count()) > 0;
          return decorated && shown.length >= 2 && shown.includes(failedCell.expected) && shown.includes(failedCell.actual);
        },
        { timeout: 10_000, message: () => `a diff of "${failedCell.expected}" vs "${failedCell.actual}" in the Test Results panel; it shows ${JSON.stringify(shown)}` },
      );
      await screenshot(page, 'e2e-matrix-failure-message.png', RESULTS);
    }),
  );

  it(
    'leaves no process behind (and did start the notes-server during the run)',
    { timeout: 30_000 },
    s.step('processes', async () => {
      assert.ok(runFinishedAt, 'the run did not finish (see the first test)');
      // Control: the harness really started the server from the copy while the run lasted.
      const started = s.sampler.since('before-run').filter((p) => (p.cmdlines ?? [p.cmdline]).some((c) => /(^|[\s/])src\/http\.ts(\s|$)/.test(c)));
      assert.ok(started.length > 0, `the sampler saw no "src/http.ts" process during the run (${s.sampler.samples} samples)`);
      debug(`notes-server during the run:\n${describeProcs(started)}`);
      // Given a moment to exit, nothing names the copy or the server's entry point.
      let left = [];
      await waitFor(
        () => {
          left = leftovers();
          return left.length === 0;
        },
        { timeout: 10_000, message: () => `no process naming ${WORKSPACE} or src/http.ts; still running:\n${describeProcs(left)}` },
      );
      debug(`no leftovers ${Date.now() - runFinishedAt} ms after the run`);
    }),
  );

  it(
    'the grid shows every cell of the CLI\'s matrix, mismatches outlined and marked, reasons in tooltips',
    { timeout: 60_000 },
    s.step('grid', async () => {
      const { page } = s;
      assert.ok(runFinishedAt, 'the run did not finish (see the first test)');
      // Opened after the palette run (mcpSecure.matrix.showGridAfterRun); the status bar item opens it too.
      const tab = page.locator('.part.editor .tab', { hasText: GRID_TITLE });
      const opened = await waitFor(async () => (await tab.count()) > 0, { timeout: 10_000 }).then(() => true, () => false);
      debug(`grid tab after the run: ${opened}`);
      assert.ok(opened, `an editor tab "${GRID_TITLE}" after "${RUN_COMMAND}"`);
      await page.locator('.part.statusbar .statusbar-item', { hasText: /Matrix \d+\/\d+/ }).first().click();
      await tab.first().click();
      const grid = gridFrame(page);
      let cells = [];
      await waitFor(
        async () => {
          cells = await readGridCells(grid);
          return cells.length > 0 && cells.every((c) => c.state !== 'not-run');
        },
        { timeout: 20_000, message: () => `the grid's cells (with results); it shows ${cells.length} cells` },
      );
      const tools = new Set(expected.cells.map((c) => c.tool));
      const principals = new Set(expected.cells.map((c) => c.principal));
      assert.equal(cells.length, tools.size * principals.size, `the grid has ${cells.length} cells; the CLI's matrix has ${tools.size} tools × ${principals.size} principals`);
      assert.equal(cells.length, expected.summary.total, 'as many cells as the CLI ran');
      const byCell = new Map(cells.map((c) => [`${c.tool}/${c.principal}`, c]));
      for (const want of expected.cells) {
        const got = byCell.get(`${want.tool}/${want.principal}`);
        assert.ok(got, `no grid cell for ${want.tool} / ${want.principal}`);
        assert.equal(got.state, want.actual, `${want.tool} / ${want.principal}: the CLI got ${want.actual}`);
        assert.equal(got.expected, want.expected, `${want.tool} / ${want.principal}: expectation`);
        assert.equal(got.mismatch, !want.pass, `${want.tool} / ${want.principal}: mismatch flag`);
        // Not by colour alone: an outline class, an icon and the accessible name say "mismatch".
        assert.equal(got.classes.includes('mismatch'), !want.pass, `${want.tool} / ${want.principal}: outline class`);
        assert.equal(got.icon, !want.pass, `${want.tool} / ${want.principal}: mismatch icon`);
        assert.equal(/mismatch/.test(got.aria), !want.pass, `${want.tool} / ${want.principal}: aria-label "${got.aria}"`);
        assert.ok(got.classes.includes(`s-${want.actual}`), `${want.tool} / ${want.principal}: state class (${got.classes})`);
        // The tooltip gives the reason (expected, actual, the harness's detail), never a token.
        assert.ok(got.title.includes(`expected ${want.expected === 'none' ? 'nothing' : want.expected}, got ${want.actual}`), `tooltip of ${want.tool} / ${want.principal}: ${got.title}`);
        // (The detail is the editor run's own, which may word a server message differently from the CLI run's.)
        assert.ok(got.title.split('\n').length >= 3 && got.title.split('\n')[2].trim().length > 0, `tooltip of ${want.tool} / ${want.principal} carries a reason: ${got.title}`);
        assert.doesNotMatch(got.title, /eyJ[\w-]{10,}\.[\w-]{10,}/, 'a JWT in a tooltip');
      }
      assert.equal(cells.filter((c) => c.mismatch).length, expected.summary.failed, 'mismatch cells = the CLI\'s failed count');
      const summary = (await grid.locator('[data-summary]').first().textContent()) ?? '';
      assert.match(summary, new RegExp(`${expected.summary.total} cells \\(${tools.size} tools × ${principals.size} principals\\)`), `summary line: ${summary}`);
      assert.match(summary, new RegExp(`${expected.summary.passed} as expected · ${expected.summary.failed} mismatches`), `summary line: ${summary}`);
      // Hardened webview: a strict CSP with a nonce, every script carries it, nothing remote.
      const csp = await grid.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp, /default-src 'none'/, `CSP: ${csp}`);
      assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'(;|$)/, `CSP: scripts by nonce only: ${csp}`);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `CSP: ${csp}`);
      // (VS Code injects its own acquireVsCodeApi script into the frame: only ours are checked.)
      const scripts = await grid.locator('script[src*="matrixGrid"]').evaluateAll((ss) => ss.map((x) => ({ nonce: !!x.nonce || x.hasAttribute('nonce'), src: x.getAttribute('src') ?? '' })));
      assert.ok(scripts.length === 1 && scripts[0].nonce && /\/media\/matrixGrid\.js/.test(scripts[0].src), `the grid's script: ${JSON.stringify(scripts)}`);
      // More room for the picture: the bottom panel (Test Results) closed.
      await runCommand(page, 'View: Hide Panel', { timeout: 5000 }).catch(() => {});
      await page.mouse.move(VIEWPORT.width - 40, VIEWPORT.height - 60); // no tab hover in the picture
      await screenshot(page, 'e2e-matrix-grid.png', RESULTS);

      // "Mismatches only": just the mismatch cells stay as buttons.
      await grid.locator('#mismatches-only').check();
      let shown = [];
      await waitFor(async () => (shown = await readGridCells(grid)).length === expected.summary.failed, {
        timeout: 5000,
        message: () => `${expected.summary.failed} cells with "Mismatches only"; it shows ${shown.length}`,
      });
      assert.ok(shown.every((c) => c.mismatch), 'only mismatches are shown');
      await screenshot(page, 'e2e-matrix-grid-mismatches.png', RESULTS);
      await grid.locator('#mismatches-only').uncheck();
      await waitFor(async () => (await readGridCells(grid)).length === expected.summary.total, { timeout: 5000, message: 'all cells again' });
    }),
  );

  it(
    'clicking a grid cell reveals it in the Testing view; "Re-run this cell" runs that one cell and keeps the rest',
    { timeout: 90_000 },
    s.step('rerun-cell', async () => {
      const { page } = s;
      const grid = gridFrame(page);
      const target = expected.cells.find((c) => c.tool === 'delete_note' && c.principal === 'reader');
      await grid.locator(`[data-cell][data-tool="${target.tool}"][data-principal="${target.principal}"]`).click();
      // Revealed in the Testing view: the cell's row is selected there.
      let rows = [];
      await waitFor(
        async () =>
          (rows = await page
            .$$eval(`${TESTING_TREE} .monaco-list-row.selected, ${TESTING_TREE} .monaco-list-row.focused`, (rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''))
            .catch(() => [])).some((l) => l.startsWith(target.principal)),
        { timeout: 10_000, message: () => `the Testing view to select "${target.principal}" (under ${target.tool}); selected: ${JSON.stringify(rows)}` },
      );
      const before = s.logText().split('\n').length;
      s.sampler.mark('before-rerun');
      await grid.locator('[data-action="rerun"]').click();
      // The log names the single cell; the grid then shows it again with the same outcome.
      const cellRun = new RegExp(`running .*mcp-matrix\\.json \\(tools: ${target.tool}; principals: ${target.principal}\\)`);
      await waitFor(() => s.logText().split('\n').slice(before - 1).some((l) => cellRun.test(l)), { timeout: 30_000, message: 'the log to show a run of that one cell' });
      await waitFor(() => s.logText().split('\n').slice(before - 1).some((l) => /Principal matrix: 0\/1 cells as expected, 1 mismatch/.test(l)), {
        timeout: 45_000,
        message: () => `the single-cell run to finish (0/1 as expected: the cell is a mismatch); log tail:\n${s.logText().split('\n').slice(-8).join('\n')}`,
      });
      let cells = [];
      await waitFor(
        async () => {
          cells = await readGridCells(grid);
          const c = cells.find((x) => x.tool === target.tool && x.principal === target.principal);
          return cells.length === expected.summary.total && c?.state === target.actual && c.mismatch && !(await grid.locator('#status').textContent())?.trim();
        },
        { timeout: 20_000, message: () => `the grid after the re-run; it shows ${cells.length} cells` },
      );
      assert.equal(cells.filter((c) => c.mismatch).length, expected.summary.failed, 'the other cells are kept');
      // The status bar still counts the whole matrix (the cell is merged into the last run).
      assert.equal(await matrixStatus(page), `Matrix ${expected.summary.passed}/${expected.summary.total} · ${expected.summary.failed} mismatches`);
      const started = s.sampler.since('before-rerun').filter((p) => (p.cmdlines ?? [p.cmdline]).some((c) => /(^|[\s/])src\/http\.ts(\s|$)/.test(c)));
      assert.ok(started.length > 0, 'the re-run started the notes-server');
      let left = [];
      await waitFor(() => (left = leftovers()).length === 0, { timeout: 10_000, message: () => `no leftovers after the re-run:\n${describeProcs(left)}` });
    }),
  );

  it(
    '"Debug this cell" starts the server under the debugger, the JavaScript debugger attaches, the cell still runs',
    { timeout: 90_000 },
    s.step('debug-cell', async () => {
      const { page } = s;
      const grid = gridFrame(page);
      const target = expected.cells.find((c) => c.tool === 'list_notes' && c.principal === 'admin');
      await grid.locator(`[data-cell][data-tool="${target.tool}"][data-principal="${target.principal}"]`).click();
      const before = s.logText().split('\n').length;
      const fresh = () => s.logText().split('\n').slice(before - 1);
      s.sampler.mark('before-debug');
      await grid.locator('[data-action="debug"]').click();
      await waitFor(() => fresh().some((l) => new RegExp(`running .*mcp-matrix\\.json under the debugger \\(tools: ${target.tool}; principals: ${target.principal}\\)`).test(l)), {
        timeout: 30_000,
        message: () => `a debug run of that cell in the log; tail:\n${fresh().slice(-6).join('\n')}`,
      });
      await waitFor(() => fresh().some((l) => /Principal matrix debug: JavaScript debugger attached to 127\.0\.0\.1:\d+/.test(l)), {
        timeout: 30_000,
        message: () => `the JavaScript debugger to attach; log tail:\n${fresh().slice(-8).join('\n')}`,
      });
      await waitFor(() => fresh().some((l) => /Principal matrix: 1\/1 cells as expected, 0 mismatch/.test(l)), {
        timeout: 45_000,
        message: () => `the debug run to finish with the cell as expected; log tail:\n${fresh().slice(-8).join('\n')}`,
      });
      const log = fresh().join('\n');
      assert.doesNotMatch(log, /did not attach|Could not attach|cannot debug/, 'the debug run attached without trouble');
      await screenshot(page, 'e2e-matrix-debug.png', RESULTS);
      const started = s.sampler.since('before-debug').filter((p) => (p.cmdlines ?? [p.cmdline]).some((c) => /(^|[\s/])src\/http\.ts(\s|$)/.test(c)));
      assert.ok(started.length > 0, 'the debug run started the notes-server');
      let left = [];
      await waitFor(() => (left = leftovers()).length === 0, { timeout: 10_000, message: () => `no leftovers after the debug run:\n${describeProcs(left)}` });
      // The session ends with the run.
      await waitFor(async () => (await page.locator('.debug-toolbar').count()) === 0 || !(await page.locator('.debug-toolbar').first().isVisible()), {
        timeout: 10_000,
        message: 'the debug toolbar to go away after the run',
      });
    }),
  );

  it(
    '"Create Principal Matrix" starts the picked server (after confirmation), lists its tools and proposes principals from its scopes',
    { timeout: 90_000 },
    s.step('create', async () => {
      const { page } = s;
      const file = path.join(WORKSPACE, MATRIX_FILE);
      fs.rmSync(file);
      // The watcher drops the item from the Testing view.
      await waitFor(async () => !(await testingRows(page)).some((r) => r.label === `${FOLDER_NAME} · ${MATRIX_FILE}`), {
        timeout: 15_000,
        message: 'the matrix item to leave the Testing view after deleting the file',
      });
      debug('matrix item gone from the Testing view');
      const discovered = JSON.parse(
        spawnSync(process.execPath, [CLI, 'discover', WORKSPACE, '--format', 'json'], { encoding: 'utf8', timeout: 60_000 }).stdout,
      ).servers;
      const notes = discovered.find((x) => x.root.endsWith('notes-server'));
      assert.ok(notes?.tools.length, 'the CLI discovers notes-server with tools');
      const expectedTools = notes.tools.map((t) => t.name);

      await waitForPaletteCommand(page, CREATE_COMMAND);
      // (Not runCommand: it waits for the quick input to close, and a quick pick follows.)
      await paletteEntries(page, CREATE_COMMAND, { timeout: 10_000, expect: [CREATE_COMMAND] });
      await page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: CREATE_COMMAND }) })
        .first()
        .click();
      // Three servers: a quick pick names them by folder.
      const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      let labels = [];
      await waitFor(
        async () => {
          labels = await pick.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
          // Wait for the whole list: rows of the palette are recycled while the pick renders.
          return discovered.every((x) => labels.some((l) => l.startsWith(x.root)));
        },
        { timeout: 15_000, message: () => `a quick pick with the discovered servers; it shows ${JSON.stringify(labels)}` },
      );
      assert.deepEqual(
        labels.map((l) => l.split(/[,\s]/)[0]).sort(),
        discovered.map((x) => x.root).sort(),
        'the quick pick lists the discovered servers',
      );
      s.sampler.mark('before-create');
      await pick.nth(labels.findIndex((l) => l.startsWith('notes-server'))).click();
      debug('picked notes-server');

      // How to start it: the client configs that run it, then its package.json scripts.
      const launchTitle = page.locator('.quick-input-widget .quick-input-title', { hasText: 'how to start notes-server' });
      await launchTitle.waitFor({ timeout: 20_000 });
      await waitFor(
        async () => {
          labels = await pick.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
          return labels.some((l) => l.startsWith('notes (.vscode/mcp.json)')) && labels.some((l) => l.includes('npm script'));
        },
        { timeout: 10_000, message: () => `launch candidates from .vscode/mcp.json and package.json; it shows ${JSON.stringify(labels)}` },
      );
      debug(`launch candidates: ${JSON.stringify(labels)}`);
      await pick.nth(labels.findIndex((l) => l.startsWith('notes (.vscode/mcp.json)'))).click();

      // Nothing starts without the user's yes (a modal naming the command).
      let dialog = null;
      await waitFor(async () => (dialog = await openDialog(page))?.text.includes('Start notes-server to list its tools?'), {
        timeout: 10_000,
        message: () => `the confirmation dialog; ${JSON.stringify(dialog)}`,
      });
      assert.match(dialog.text, /node --import tsx src\/stdio\.ts/, 'the dialog names the command');
      assert.deepEqual(
        s.sampler.since('before-create').filter((p) => (p.cmdlines ?? [p.cmdline]).some((c) => /src\/stdio\.ts/.test(c))),
        [],
        'no server started before the confirmation',
      );
      await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Start Server' }).click();

      let text = '';
      await waitFor(
        () => {
          text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
          return text.length > 0;
        },
        { timeout: 30_000, message: async () => `${MATRIX_FILE} to be written; error notifications: ${JSON.stringify(await errorNotifications(page))}` },
      );
      const errors = [];
      const config = parseJsonc(text, errors, { allowTrailingComma: true });
      assert.deepEqual(errors, [], 'the new matrix file parses (JSONC)');
      assert.deepEqual(Object.keys(config.tools).sort(), [...expectedTools].sort(), 'the tools the running notes-server listed');
      assert.deepEqual(
        { command: config.server.command, args: config.server.args, cwd: config.server.cwd, transport: config.server.transport, tokenEnv: config.server.tokenEnv },
        { command: 'node', args: ['--import', 'tsx', 'src/stdio.ts'], cwd: 'notes-server', transport: 'stdio', tokenEnv: 'MCP_ACCESS_TOKEN' },
        "the launch of .vscode/mcp.json's \"notes\" entry, relative to the server",
      );
      assert.equal(config.server.env.OAUTH_ISSUER, '${issuer}', 'the issuer is the harness\'s');
      assert.doesNotMatch(text, /auth\.acme-notes\.dev|eyJ[\w-]{10,}|sk_test_/, 'no value from the client configs is copied');
      assert.deepEqual(Object.keys(config.principals), ['readonly', 'user', 'admin'], 'readonly / user / admin');
      assert.deepEqual(config.principals.readonly.scopes, ['notes:read'], 'readonly: the read scope the lint found');
      assert.deepEqual(config.principals.user.scopes, ['notes:read', 'notes:write'], 'user: read and write scopes');
      assert.deepEqual(config.tools.create_note.allow, ['user', 'admin'], 'create_note checks notes:write');
      assert.deepEqual(config.tools.read_note.allow, ['readonly', 'user', 'admin'], 'read_note checks notes:read');
      assert.ok('id' in config.tools.read_note.args, 'example arguments from the input schema');
      assert.match(text, /^\/\/ Principal matrix for notes-server/, 'a header says where it came from');
      // The server ran (the harness's probe) and is gone again.
      const started = s.sampler.since('before-create').filter((p) => (p.cmdlines ?? [p.cmdline]).some((c) => /src\/stdio\.ts/.test(c)));
      assert.ok(started.length > 0, 'the notes-server (src/stdio.ts) was started to list its tools');
      let left = [];
      // (By pid: other runs on this machine may have their own notes-server.)
      await waitFor(() => (left = leftovers().concat(started.filter((p) => fs.existsSync(`/proc/${p.pid}`)))).length === 0, {
        timeout: 10_000,
        message: () => `no process left after Create:\n${describeProcs(left)}`,
      });
      // The file is opened, and the Testing view lists the new tools.
      await waitFor(async () => (await page.locator('.part.editor .tab.active').getAttribute('aria-label').catch(() => ''))?.includes(MATRIX_FILE), {
        timeout: 10_000,
        message: `an editor tab for ${MATRIX_FILE}`,
      });
      await page.keyboard.press('Control+Shift+P').catch(() => {});
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Show Testing', { timeout: 10_000 }).catch(() => runCommand(page, 'Testing: Focus on Test Explorer View'));
      const rootLabel = `${FOLDER_NAME} · ${MATRIX_FILE}`;
      await waitFor(async () => (await testingRows(page)).some((r) => r.level === 1 && r.label === rootLabel), {
        timeout: 15_000,
        message: `the new ${MATRIX_FILE} in the Testing view`,
      });
      const tools = await expandTestingRow(page, rootLabel, 1, { expectChildren: expectedTools.length });
      assert.deepEqual(tools.map((r) => r.label).sort(), [...expectedTools].sort(), "the Testing view lists the new file's tools");
      await screenshot(page, 'e2e-matrix-created.png', RESULTS);
      created = true;
    }),
  );

  // mcp-matrix.json is JSONC (package.json contributes the language association): the
  // comment header of the scaffold and the demo must not be reported as JSON errors.
  it(
    'the created mcp-matrix.json (with its comment header) opens without JSON errors',
    { timeout: 30_000 },
    async () => {
      if (s.setupError) throw new Error(`the VS Code session did not start: ${s.setupError.message}`);
      const { page } = s;
      assert.ok(created, 'the matrix file was not created (see the previous test)');
      // The file is open in the active editor (Create opens it); its comment header is lines 1-3.
      let snap;
      await waitFor(async () => (snap = await editorSnapshot(page))?.title.includes(MATRIX_FILE), { timeout: 10_000, message: `${MATRIX_FILE} in the active editor` });
      const commentLines = snap.lines.filter((l) => l.text.trimStart().startsWith('//')).map((l) => l.line);
      assert.ok(commentLines.length > 0, 'the scaffold starts with // comment lines');
      // Give the JSON language service time to validate the open document (the bug shows in ~1 s).
      const flagged = await waitFor(
        async () => {
          snap = await editorSnapshot(page);
          const lines = snap.markers.filter((m) => m.severity === 'error' && commentLines.includes(m.line)).map((m) => m.line);
          return lines.length ? lines : null;
        },
        { timeout: 8000 },
      ).catch(() => []);
      debug(`error squiggles on comment lines: ${JSON.stringify(flagged)}`);
      await screenshot(page, 'e2e-matrix-jsonc-errors.png', RESULTS);
      assert.deepEqual([...new Set(flagged)], [], `${MATRIX_FILE}: VS Code marks its comment lines as errors ("Comments are not permitted in JSON")`);
    },
  );

  it(
    'Debug on a server MCP Secure cannot debug (Go) says so and starts nothing',
    { timeout: 60_000 },
    s.step('debug-unsupported', async () => {
      const { page } = s;
      assert.ok(created, 'the previous tests did not finish');
      const file = path.join(WORKSPACE, MATRIX_FILE);
      fs.writeFileSync(
        file,
        JSON.stringify({
          server: { transport: 'stdio', command: 'go', args: ['run', '.'], cwd: 'github-triage-go' },
          principals: { admin: { sub: 'root' } },
          tools: { list_issues: { allow: ['admin'] } },
        }, null, 2),
      );
      await runCommand(page, 'MCP Secure: Show Principal Matrix Grid', { timeout: 15_000 });
      const grid = gridFrame(page);
      const cell = grid.locator('[data-cell][data-tool="list_issues"][data-principal="admin"]');
      await cell.waitFor({ timeout: 15_000 });
      assert.equal(await cell.getAttribute('data-state'), 'not-run');
      await cell.click();
      const before = s.logText().split('\n').length;
      s.sampler.mark('before-go-debug');
      await grid.locator('[data-action="debug"]').click();
      await waitFor(() => s.logText().split('\n').slice(before - 1).some((l) => /Principal matrix debug run refused: the server runs with "go"/.test(l)), {
        timeout: 15_000,
        message: () => `the log to say the Go server cannot be debugged; tail:\n${s.logText().split('\n').slice(-5).join('\n')}`,
      });
      await page.waitForTimeout(1000);
      assert.equal(await cell.getAttribute('data-state'), 'not-run', 'the cell was not run');
      const started = s.sampler.since('before-go-debug').filter((p) => (p.cmdlines ?? [p.cmdline]).some((c) => /(^|\/)go\s+run\b|github-triage/.test(c)));
      assert.deepEqual(started.map((p) => p.cmdline), [], 'nothing started for a debug run that cannot debug');
    }),
  );
});

/**
 * Opens the Test Results panel and selects the message of the failed cell tool/principal, so
 * its expected vs actual is shown. Asserts the message text names both.
 */
async function openFailureMessage(page, cell) {
  // (The status bar item opens the grid; the Test Results panel is VS Code's "Test: Show Output".)
  await runCommand(page, 'Test: Show Output', { timeout: 15_000 });
  const rowsSel = '.part.panel .test-output-peek-tree .monaco-list-row';
  const read = () =>
    page.$$eval(rowsSel, (rs) =>
      rs
        .map((r) => ({ index: Number(r.getAttribute('data-index')), level: Number(r.getAttribute('aria-level')), ariaLabel: r.getAttribute('aria-label') ?? '' }))
        .sort((a, b) => a.index - b.index),
    );
  // One row per failed cell: "<principal> → <tool>: expected <e>, got <a>. <detail>".
  const prefix = `${cell.principal} → ${cell.tool}: expected ${cell.expected}, got ${cell.actual}.`;
  let rows = [];
  const row = await waitFor(async () => (rows = await read()).find((r) => r.ariaLabel.startsWith(prefix)), {
    timeout: 15_000,
    message: () => `a Test Results row "${prefix} …"; rows: ${JSON.stringify(rows.map((r) => r.ariaLabel.slice(0, 80)))}`,
  });
  debug(`results rows: ${JSON.stringify(rows.map((r) => `${r.level} ${r.ariaLabel.slice(0, 60)}`))}`);
  await page.locator(`${rowsSel}[data-index="${row.index}"]`).click();
  return { row, rows };
}
