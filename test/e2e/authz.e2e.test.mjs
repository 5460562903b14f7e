// End-to-end test: the authorization lint (MCPS2xx) in a real VS Code (code-server + Debian's
// Chromium) with the packaged extension (dist/mcp-secure.vsix), on a fresh, trusted copy of
// examples/demo-workspace, in notes-server/src/server.ts:
//
//   1. the diagnostics sit on the tool registration names, as the CLI reports them: squiggles,
//      Problems panel (severity, position, the rule link to the docs page shipped in the VSIX,
//      related locations), the hover (message, rule, related information)
//   2. the Servers tree marks each tool protected / unprotected (verdict icon + description)
//   3. the preferred quick fix "Add 'requireScope(extra, …)'" inserts a check that parses, as
//      the handler's first statement; the diagnostic goes; after saving, the CLI and the tree agree
//   4. typing that disables the check (commenting it out) brings the diagnostic back before
//      the file is saved; Undo takes it away again
//   5. "Suppress MCPS201 for '<tool>' (with a reason)" inserts a mcp-secure-ignore comment; the
//      finding goes; with the reason deleted the comment no longer applies and it comes back
//
// Expectations come from `mcp-secure scan` (JSON for findings, SARIF for related locations)
// over the same copy, and for unsaved text over a scratch copy holding the editor's text.
//
//   npm run -s package && node --test test/e2e/authz.e2e.test.mjs
//
// Environment as in vscode.e2e.test.mjs (MCP_SECURE_VSIX, E2E_RESULTS, E2E_DEBUG=1, E2E_KEEP=1).
// Screenshots: e2e-authz-*.png in the results folder.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { onCleanup, prepareWorkspaceCopy, repoRoot } from '../../scripts/lib/code-server.mjs';
import { EDITOR_TEST_SETTINGS, Session } from './lib/session.mjs';
import {
  MCP_CONTAINER,
  chooseQuickFix,
  expandTreeGroup,
  focusActiveEditor,
  gotoLineColumn,
  launchChromium,
  openFileQuickOpen,
  openMcpSecureView,
  openQuickFixMenu,
  problemsRows,
  readEditor,
  screenshot,
  treeLocator,
  waitFor,
  widenSidebar,
} from './lib/workbench.mjs';

const VSIX = path.resolve(process.env.MCP_SECURE_VSIX || path.join(repoRoot, 'dist', 'mcp-secure.vsix'));
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const RESULTS = path.resolve(process.env.E2E_RESULTS || process.env.MCP_SECURE_TEST_RESULTS || path.join(repoRoot, 'test-results'));
const KEEP = process.env.E2E_KEEP === '1';
const DEBUG = process.env.E2E_DEBUG === '1';
// Tall enough that the whole of server.ts (~100 lines) is rendered: the editor is read from its rendered lines.
const VIEWPORT = { width: 1440, height: 2400 };
const T0 = Date.now();
const debug = (msg) => DEBUG && console.log(`# [${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const SERVER_DIR = 'notes-server';
const SOURCE = 'notes-server/src/server.ts';
const SOURCE_BASE = 'server.ts';
// The demo's own authorization helper (notes-server/src/auth.ts): the preferred fix must use it.
const HELPER = 'requireScope';

const WORKSPACE = prepareWorkspaceCopy(
  path.join(repoRoot, 'examples', 'demo-workspace'),
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcps-e2e-authz-ws-')), 'demo-workspace'),
);
const unregisterWorkspace = onCleanup(() => KEEP || fs.rmSync(path.dirname(WORKSPACE), { recursive: true, force: true }));
const readDisk = (rel) => fs.readFileSync(path.join(WORKSPACE, rel), 'utf8');

// ---------------------------------------------------------------------------------------
// What the CLI (same core) says
// ---------------------------------------------------------------------------------------

function cli(args, cwd = repoRoot) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.ok(r.status === 0 || r.status === 1, `mcp-secure ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * Findings of `rel` in the workspace `ws` (default: the test's copy): JSON findings joined with
 * the SARIF results for their related locations. Sorted by line.
 */
function cliFindings(rel, ws = WORKSPACE) {
  const json = cli(['scan', ws, '--format', 'json', '--no-git']).findings.filter((f) => f.file === rel);
  const sarif = cli(['scan', ws, '--format', 'sarif', '--no-git']).runs[0].results;
  return json
    .map((f) => {
      const s = sarif.find((r) => {
        const loc = r.locations?.[0]?.physicalLocation;
        return r.ruleId === f.ruleId && loc?.region?.startLine === f.line && loc?.region?.startColumn === f.column && rel.endsWith(loc.artifactLocation.uri);
      });
      const related = (s?.relatedLocations ?? []).map((l) => ({
        file: path.posix.basename(l.physicalLocation.artifactLocation.uri),
        line: l.physicalLocation.region.startLine,
        column: l.physicalLocation.region.startColumn,
        message: l.message?.text ?? '',
      }));
      return { ...f, related };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The CLI's findings for `rel` if it held `text` (a scratch copy of the workspace; nothing saved). */
function cliFindingsForText(rel, text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcps-e2e-authz-scratch-'));
  try {
    const ws = path.join(dir, 'demo-workspace');
    fs.cpSync(WORKSPACE, ws, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
    fs.writeFileSync(path.join(ws, rel), text);
    return cliFindings(rel, ws);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Tools of the notes-server project as `mcp-secure discover` lists them. */
function cliTools() {
  const server = cli(['discover', WORKSPACE, '--format', 'json']).servers.find((s) => s.root === SERVER_DIR);
  assert.ok(server, `mcp-secure discover lists no ${SERVER_DIR} server`);
  return server.tools;
}

const lineSet = (findings) => [...new Set(findings.map((f) => f.line))].sort((a, b) => a - b);
const markerLines = (snap) => [...new Set(snap.markers.map((m) => m.line))].sort((a, b) => a - b);
const sameLines = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle)) + 1; // 0: not found
const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', info: 'Info' };
const EDITOR_SEVERITY = { error: 'error', warning: 'warning', info: 'info' };
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Syntax errors TypeScript's parser reports for a text (the edited file must still parse). */
function syntaxErrors(text) {
  const out = ts.transpileModule(text, { reportDiagnostics: true, fileName: SOURCE_BASE, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  return (out.diagnostics ?? []).map((d) => {
    const { line, character } = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0) : { line: -1, character: -1 };
    return `${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/**
 * The handler of `server.tool('<name>', …)` / `server.registerTool('<name>', …)` in a text:
 * { params: [names], firstStatement: text } (TypeScript's AST, not regular expressions).
 */
function handlerOf(text, toolName) {
  const sf = ts.createSourceFile(SOURCE_BASE, text, ts.ScriptTarget.ES2022, true);
  let found;
  const visit = (node) => {
    if (
      !found &&
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['tool', 'registerTool'].includes(node.expression.name.text) &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0]) &&
      node.arguments[0].text === toolName
    ) {
      const fn = node.arguments[node.arguments.length - 1];
      if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
        const body = fn.body && ts.isBlock(fn.body) ? fn.body : undefined;
        found = {
          params: fn.parameters.map((p) => p.name.getText(sf)),
          firstStatement: body?.statements[0]?.getText(sf) ?? '',
        };
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

// ---------------------------------------------------------------------------------------
// Workbench helpers specific to this test
// ---------------------------------------------------------------------------------------

/** Opens `rel` with Quick Open and waits until the editor shows exactly `text` (a resize re-renders lines). */
async function openExpecting(page, rel, text, what) {
  await hidePanel(page); // the whole file must be rendered
  await openFileQuickOpen(page, rel, { timeout: 30_000 });
  let snap;
  return waitFor(
    async () => {
      snap = await readEditor(page);
      return snap?.complete && snap.text === text ? snap : null;
    },
    { timeout: 10_000, message: () => `the editor to show ${what}:\n${lineDiff(snap?.text ?? '', text)}` },
  );
}

/** Waits until the active editor shows `text` completely with squiggles on exactly `lines`. */
async function waitForEditor(page, { lines, text, what, timeout = 30_000 }) {
  let snap;
  return waitFor(
    async () => {
      snap = await readEditor(page);
      return snap?.complete && (text === undefined || snap.text === text) && sameLines(markerLines(snap), lines) ? snap : null;
    },
    {
      timeout,
      message: () =>
        `${what}: squiggles on lines ${JSON.stringify(lines)}${text === undefined ? '' : ' and the expected text'}; the editor shows them on ${JSON.stringify(snap ? markerLines(snap) : null)}` +
        (text !== undefined && snap && snap.text !== text ? `\n${lineDiff(snap.text, text)}` : ''),
    },
  );
}

function lineDiff(actual, expected, max = 6) {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const out = [];
  for (let i = 0; i < Math.max(a.length, e.length) && out.length < max; i++) {
    if (a[i] !== e[i]) out.push(`  line ${i + 1}: shows ${JSON.stringify(a[i] ?? '(none)')}, expected ${JSON.stringify(e[i] ?? '(none)')}`);
  }
  return out.join('\n') || '  (no line differs)';
}

const PANEL_FILTER = '.part.panel .markers-panel-action-filter input, .part.panel .viewpane-filter input';

/** Shows the Problems panel filtered to one file (the whole workspace has ~40 problems; rows are virtualised). */
async function showProblemsFor(page, rel) {
  if (!(await page.locator('.part.panel .markers-panel').isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  const filter = page.locator(PANEL_FILTER).filter({ visible: true }).first();
  await filter.waitFor({ state: 'visible', timeout: 10_000 });
  const want = `**/${rel}`;
  const base = path.posix.basename(rel);
  let headers = [];
  // The filter box can miss a fill while the panel is still opening: fill until the list shows only this file.
  await waitFor(
    async () => {
      if ((await filter.inputValue().catch(() => '')) !== want) await filter.fill(want);
      headers = (await problemsDetails(page)).filter((r) => r.level === 1);
      return headers.length === 1 && new RegExp(`^\\d+ problems? in file ${escapeRe(base)} `).test(headers[0].label);
    },
    { timeout: 15_000, interval: 300, message: () => `the Problems panel filtered to ${rel}; it shows the files ${JSON.stringify(headers.map((h) => h.label))}` },
  );
}

async function hidePanel(page) {
  await waitFor(
    async () => {
      if (!(await page.locator('.part.panel').isVisible().catch(() => false))) return true;
      await page.keyboard.press('Control+J');
      await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
      return false;
    },
    { timeout: 10_000, message: 'the panel to close (Ctrl+J)' },
  );
}

/** Problems panel rows with the rule link: [{ index, level, label, code, href, line }]. */
async function problemsDetails(page) {
  return page
    .$$eval('.part.panel .markers-panel .monaco-list-row', (rows) =>
      rows
        .map((r) => ({
          index: Number(r.getAttribute('data-index')),
          level: Number(r.getAttribute('aria-level')),
          label: r.getAttribute('aria-label') ?? '',
          code: (r.querySelector('.marker-code')?.textContent ?? '').trim(),
          href: r.querySelector('a.monaco-link')?.getAttribute('href') ?? '',
          position: (r.querySelector('.marker-line')?.textContent ?? '').trim(),
        }))
        .sort((a, b) => a.index - b.index),
    )
    .catch(() => []);
}

/** The problem rows (level 2) of one file in the Problems panel, each with its related rows (level 3). */
function problemsOfFile(rows, base) {
  const start = rows.findIndex((r) => r.level === 1 && new RegExp(`^\\d+ problems? in file ${escapeRe(base)} `).test(r.label));
  if (start < 0) return null;
  const out = [];
  for (const r of rows.slice(start + 1)) {
    if (r.level <= 1) break;
    if (r.level === 2) out.push({ ...r, related: [] });
    else if (r.level === 3 && out.length) out[out.length - 1].related.push(r);
  }
  return { header: rows[start].label, problems: out };
}

/** The hover at the cursor (editor.action.showHover), as text. */
async function hoverText(page) {
  await focusActiveEditor(page);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'MCP Secure' }).first();
  await hover.waitFor({ state: 'visible', timeout: 10_000 });
  return (await hover.innerText()).replace(/\u00a0/g, ' ');
}

/** The tool rows (level 3) below a server row of the MCP Secure tree, with their verdict icon. */
async function toolRows(page, serverLabel) {
  return treeLocator(page).evaluate(
    (el, serverLabel) => {
      const rows = [...el.querySelectorAll('.monaco-list-row')].sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      const start = rows.findIndex((r) => r.getAttribute('aria-level') === '2' && (r.querySelector('.label-name')?.textContent ?? '').trim() === serverLabel);
      if (start < 0 || rows[start].getAttribute('aria-expanded') !== 'true') return null;
      const out = [];
      for (const r of rows.slice(start + 1)) {
        if (Number(r.getAttribute('aria-level')) <= 2) break;
        const icon = r.querySelector('.custom-view-tree-node-item-icon');
        out.push({
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
          ariaLabel: r.getAttribute('aria-label') ?? '',
          icon: [...(icon?.classList ?? [])].find((c) => c.startsWith('codicon-')) ?? '',
        });
      }
      return out;
    },
    serverLabel,
  );
}

/** Opens Servers → serverLabel in the MCP Secure view and returns its tool rows once `until` holds. */
async function readToolRows(page, serverLabel, until, timeout = 30_000) {
  await openMcpSecureView(page);
  await widenSidebar(page, 600);
  await expandTreeGroup(page, 'Servers', { timeout, until: (rows) => rows.some((r) => r.label === serverLabel) });
  const row = treeLocator(page).locator('.monaco-list-row[aria-level="2"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(serverLabel)}$`) }) }).first();
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  let last = null;
  return waitFor(
    async () => {
      last = await toolRows(page, serverLabel);
      return last && last.length > 0 && until(last) ? last : null;
    },
    { timeout, message: () => `the tools of "${serverLabel}" in the MCP Secure tree to show the expected verdicts; they show ${JSON.stringify(last, null, 1)}` },
  );
}

/** Expected tree rows from the CLI: every discovered tool, unprotected when it has an authz finding. */
function expectedVerdicts(tools, findings) {
  return tools.map((t) => {
    const rules = findings.filter((f) => f.category === 'authz' && f.tool === t.name && f.line === t.line).map((f) => f.ruleId);
    return { name: t.name, line: t.line, verdict: rules.length ? 'unprotected' : 'protected', rules };
  });
}

function verdictProblems(rows, expected) {
  const problems = [];
  const icon = { protected: 'codicon-pass', unprotected: 'codicon-unlock' };
  if (rows.length !== expected.length) problems.push(`${rows.length} tool rows, expected ${expected.length}`);
  for (const e of expected) {
    const r = rows.find((x) => x.label === e.name);
    if (!r) {
      problems.push(`no row for ${e.name}`);
      continue;
    }
    const want = `src/server.ts:${e.line} · ${e.verdict}`;
    if (r.description !== want) problems.push(`${e.name}: description "${r.description}", expected "${want}"`);
    if (r.icon !== icon[e.verdict]) problems.push(`${e.name}: icon ${r.icon}, expected ${icon[e.verdict]} (${e.verdict})`);
    if (!r.ariaLabel.startsWith(`${e.name}: ${e.verdict}`)) problems.push(`${e.name}: tooltip "${r.ariaLabel.split('\n')[0]}", expected "${e.name}: ${e.verdict} …"`);
    for (const rule of e.rules) if (!r.ariaLabel.includes(rule)) problems.push(`${e.name}: tooltip does not name ${rule}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

describe('MCP Secure authorization lint in a real VS Code (code-server + Chromium)', { timeout: 420_000 }, () => {
  const s = new Session({
    name: 'authz',
    workspace: WORKSPACE,
    vsix: VSIX,
    results: RESULTS,
    trusted: true,
    keep: KEEP,
    viewport: VIEWPORT,
    debug,
    settings: {
      ...EDITOR_TEST_SETTINGS,
      'editor.hover.enabled': true,
      'editor.hover.delay': 100_000, // only on request (Ctrl+K Ctrl+I)
      // The demo has no node_modules: VS Code's own TypeScript checks would squiggle every import.
      // Only MCP Secure's diagnostics are compared (squiggles carry no source in the DOM).
      'typescript.validate.enable': false,
      'javascript.validate.enable': false,
    },
  });
  let chromium;
  let original; // server.ts as in the demo
  let initial; // the CLI's findings in server.ts
  let tools; // the CLI's tools of notes-server
  let state = {}; // what the quick fix test leaves for the following tests

  before(async () => {
    try {
      assert.ok(fs.existsSync(VSIX), `${VSIX} does not exist. Build it first: \`npm run package\`.`);
      assert.ok(fs.existsSync(CLI), `${CLI} does not exist. Build it first: \`npm run package\`.`);
      original = readDisk(SOURCE);
      initial = cliFindings(SOURCE);
      tools = cliTools();
      const authz = initial.filter((f) => f.category === 'authz' && f.tool);
      debug(`CLI: ${authz.map((f) => `${f.ruleId} ${f.tool}@${f.line}`).join(', ')}`);
      // The scenario needs an MCPS201 finding (the quick fix and the suppression) and a protected tool.
      assert.ok(authz.filter((f) => f.ruleId === 'MCPS201').length >= 2, `the demo's ${SOURCE} should have 2+ MCPS201 findings; the CLI reports ${JSON.stringify(authz.map((f) => [f.ruleId, f.tool]))}`);
      assert.ok(tools.some((t) => !authz.some((f) => f.tool === t.name)), 'the demo should have a protected tool');
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
    if (!KEEP) fs.rmSync(path.dirname(WORKSPACE), { recursive: true, force: true });
    unregisterWorkspace();
  });

  it(
    'shows each finding on its tool registration name: squiggle, Problems panel with the rule link and related locations, hover',
    { timeout: 120_000 },
    s.step('diagnostics', async () => {
      const { page } = s;
      const authz = initial.filter((f) => f.category === 'authz');
      // The core puts a tool's finding on its registration name (the string literal).
      for (const f of authz.filter((x) => x.tool)) {
        assert.equal(f.line, f.endLine, `${f.ruleId} ${f.tool}: a one-line range`);
        const named = original.split('\n')[f.line - 1].slice(f.column - 1, f.endColumn - 1);
        assert.ok(named === `'${f.tool}'` || named === `"${f.tool}"`, `${f.ruleId} for ${f.tool} covers ${JSON.stringify(named)}, not the registration name`);
        assert.ok(tools.some((t) => t.name === f.tool && t.line === f.line), `${f.tool}@${f.line} is not a tool discovery lists`);
      }

      await openExpecting(page, SOURCE, original, `${SOURCE} as on disk`);
      const snap = await waitForEditor(page, { lines: lineSet(initial), text: original, what: `${SOURCE} after opening`, timeout: 60_000 });
      for (const f of initial) {
        assert.ok(snap.markers.some((m) => m.line === f.line && m.severity === EDITOR_SEVERITY[f.severity]), `line ${f.line} (${f.ruleId} ${f.tool ?? ''}) should have a ${f.severity} squiggle; squiggles: ${JSON.stringify(snap.markers)}`);
      }

      // Problems panel: one row per finding, same severity, position, message, rule link, related rows.
      await showProblemsFor(page, SOURCE);
      let file = null;
      await waitFor(
        async () => {
          file = problemsOfFile(await problemsDetails(page), SOURCE_BASE);
          const related = file?.problems.reduce((n, p) => n + p.related.length, 0);
          return file && file.problems.length === initial.length && related === initial.reduce((n, f) => n + f.related.length, 0);
        },
        { timeout: 15_000, message: () => `the Problems panel to list ${initial.length} problems for ${SOURCE} with their related locations; it shows ${JSON.stringify(file, null, 1)}` },
      );
      assert.match(file.header, new RegExp(`^${initial.length} problems? in file ${escapeRe(SOURCE_BASE)} of folder ${escapeRe(path.posix.dirname(SOURCE))}`));
      const docs = path.join(s.extensionDir, 'docs', 'rules');
      for (const f of initial) {
        const row = file.problems.find((p) => p.position === `[Ln ${f.line}, Col ${f.column}]` && p.code === f.ruleId);
        assert.ok(row, `no Problems row ${f.ruleId} at [Ln ${f.line}, Col ${f.column}]; rows: ${JSON.stringify(file.problems.map((p) => [p.code, p.position]))}`);
        assert.ok(row.label.startsWith(`${SEVERITY_LABEL[f.severity]}: ${f.message}`), `${f.ruleId}@${f.line}: the row reads ${JSON.stringify(row.label.slice(0, 160))}, expected "${SEVERITY_LABEL[f.severity]}: ${f.message.slice(0, 60)}…"`);
        assert.match(row.label, /generated by MCP Secure$/);
        // The rule link opens the rule's page shipped inside the installed extension.
        assert.ok(row.href.endsWith(`${s.extensionDir}/docs/rules/${f.ruleId}.md`), `${f.ruleId}@${f.line}: the rule link is ${row.href}, expected …${s.extensionDir}/docs/rules/${f.ruleId}.md`);
        assert.ok(fs.existsSync(path.join(docs, `${f.ruleId}.md`)), `the VSIX lacks docs/rules/${f.ruleId}.md (the rule link points nowhere)`);
        // Related locations, as the CLI's SARIF lists them.
        assert.equal(row.related.length, f.related.length, `${f.ruleId}@${f.line}: ${row.related.length} related rows, the CLI lists ${f.related.length}`);
        for (const r of f.related) {
          const want = `${r.message} at line ${r.line} and character ${r.column} in ${r.file}`;
          assert.ok(row.related.some((x) => x.label === want), `${f.ruleId}@${f.line}: no related row "${want}"; rows: ${JSON.stringify(row.related.map((x) => x.label))}`);
        }
      }
      await screenshot(page, 'e2e-authz-problems.png', RESULTS);
      await hidePanel(page);

      // The hover on a tool name: message, source and rule, related information.
      for (const f of authz.filter((x) => x.tool && x.related.length)) {
        await gotoLineColumn(page, f.line, f.column + 2);
        const text = await hoverText(page);
        assert.ok(text.includes(f.message), `the hover on ${f.tool} lacks the message; it reads ${JSON.stringify(text.slice(0, 300))}`);
        assert.match(text, new RegExp(`MCP Secure\\s*\\(?${f.ruleId}\\)?`), `the hover on ${f.tool} should name "MCP Secure" and ${f.ruleId}`);
        for (const r of f.related) {
          const want = `${r.file}(${r.line}, ${r.column}): ${r.message}`;
          assert.ok(text.includes(want), `the hover on ${f.tool} lacks the related information "${want}"; it reads ${JSON.stringify(text)}`);
        }
        if (f.ruleId === 'MCPS201' && !state.hoverShot) state.hoverShot = await screenshot(page, 'e2e-authz-hover.png', RESULTS);
        await page.keyboard.press('Escape');
      }
      assert.ok(state.hoverShot, 'no MCPS201 finding with related information was hovered');
    }),
  );

  it(
    'marks every notes-server tool in the Servers tree as the lint judged it (protected / unprotected)',
    { timeout: 60_000 },
    s.step('tree-verdicts', async () => {
      const { page } = s;
      const expected = expectedVerdicts(tools, initial);
      assert.ok(expected.some((e) => e.verdict === 'protected') && expected.some((e) => e.verdict === 'unprotected'), 'both verdicts expected');
      const rows = await readToolRows(page, SERVER_DIR, (r) => verdictProblems(r, expected).length === 0).catch(async (e) => {
        const shown = await toolRows(page, SERVER_DIR).catch(() => null);
        throw new Error(`${e.message}\nDifferences: ${shown ? verdictProblems(shown, expected).join('; ') : 'no rows'}`);
      });
      debug(`tree: ${rows.map((r) => `${r.label} ${r.icon}`).join(', ')}`);
      await screenshot(page, 'e2e-authz-tree.png', RESULTS);
    }),
  );

  it(
    `the preferred fix inserts '${HELPER}(extra, …)' as the first statement; the file parses and the diagnostic goes`,
    { timeout: 120_000 },
    s.step('quick-fix', async () => {
      const { page } = s;
      const target = initial.find((f) => f.ruleId === 'MCPS201' && f.tool && handlerOf(original, f.tool)?.params.length === 1) ?? initial.find((f) => f.ruleId === 'MCPS201' && f.tool);
      const tool = target.tool;
      const scope = `${tool}:call`;
      debug(`fixing ${tool} (line ${target.line})`);
      const before = handlerOf(original, tool);
      assert.ok(before, `no handler of ${tool} in ${SOURCE}`);

      await openExpecting(page, SOURCE, original, `${SOURCE} as on disk`);
      await waitForEditor(page, { lines: lineSet(initial), text: original, what: 'before the quick fix' });
      await gotoLineColumn(page, target.line, target.column + 2);
      const preferred = `Add '${HELPER}(extra, '${scope}')' to '${tool}'`;
      const idiom = `Add a scope check ('${scope}') to '${tool}'`;
      const suppress = `Suppress MCPS201 for '${tool}' (with a reason)`;
      const entries = await openQuickFixMenu(page, { expect: [preferred, idiom, suppress] });
      const labels = entries.map((e) => e.label);
      debug(`quick fixes: ${JSON.stringify(labels)}`);
      for (const l of [preferred, idiom, suppress]) assert.ok(labels.includes(l), `the quick fix menu lacks "${l}": ${JSON.stringify(labels)}`);
      assert.equal(entries.find((e) => e.focused)?.label, preferred, 'the preferred fix (the project helper) should be the focused entry');
      // MCP Secure's fixes come first, in this order.
      assert.deepEqual(labels.slice(0, 3), [preferred, idiom, suppress], 'the order of the authorization fixes');
      await screenshot(page, 'e2e-authz-quickfix-menu.png', RESULTS);
      await chooseQuickFix(page, preferred);

      // The editor: the check is the handler's first statement, `extra` is declared, the file parses.
      let snap;
      await waitFor(
        async () => {
          snap = await readEditor(page);
          return snap?.complete && snap.text !== original;
        },
        { timeout: 10_000, message: 'the editor text to change after the quick fix' },
      );
      const fixed = snap.text;
      assert.deepEqual(syntaxErrors(fixed), [], 'the fixed file has syntax errors');
      const after = handlerOf(fixed, tool);
      assert.ok(after, `no handler of ${tool} after the fix`);
      assert.equal(after.params.length, 2, `the handler should take (args, extra) after the fix; it takes (${after.params.join(', ')})`);
      assert.equal(after.params[0], before.params[0], 'the first parameter is kept');
      assert.equal(after.firstStatement, `${HELPER}(${after.params[1]}, '${scope}');`, 'the first statement of the handler');
      assert.equal(fixed.split('\n').length, original.split('\n').length + 1, 'the fix adds exactly one line');
      const checkLine = lineOf(fixed, `${HELPER}(${after.params[1]}, '${scope}')`);
      const indent = /^\s*/.exec(fixed.split('\n')[checkLine - 1])[0];
      const nextIndent = /^\s*/.exec(fixed.split('\n')[checkLine])[0];
      assert.equal(indent, nextIndent, 'the inserted line is indented like the statement after it');
      assert.ok(snap.dirty, 'the fix edits the document (unsaved)');

      // The diagnostic goes (live, unsaved): the editor agrees with the CLI on the same text.
      const expectedAfter = cliFindingsForText(SOURCE, fixed);
      assert.ok(!expectedAfter.some((f) => f.tool === tool), `the CLI still flags ${tool} after the fix: ${JSON.stringify(expectedAfter.filter((f) => f.tool === tool).map((f) => f.message))}`);
      assert.equal(expectedAfter.length, initial.length - 1, 'exactly one finding less');
      await waitForEditor(page, { lines: lineSet(expectedAfter), text: fixed, what: 'after the quick fix', timeout: 15_000 });
      await screenshot(page, 'e2e-authz-fixed.png', RESULTS);

      // Save: the file on disk is the fixed text, the CLI agrees, and the tree (after the rescan) marks the tool protected.
      await focusActiveEditor(page);
      await page.keyboard.press('Control+S');
      await waitFor(() => readDisk(SOURCE) === fixed, { timeout: 10_000, message: `${SOURCE} on disk to hold the fixed text after Ctrl+S` });
      const onDisk = cliFindings(SOURCE);
      assert.deepEqual(onDisk.map((f) => [f.ruleId, f.tool, f.line]), expectedAfter.map((f) => [f.ruleId, f.tool, f.line]), 'the CLI on the saved file');
      const toolsAfter = cliTools();
      const expectedTree = expectedVerdicts(toolsAfter, onDisk);
      assert.equal(expectedTree.find((e) => e.name === tool)?.verdict, 'protected');
      await readToolRows(page, SERVER_DIR, (r) => verdictProblems(r, expectedTree).length === 0).catch(async (e) => {
        const shown = await toolRows(page, SERVER_DIR).catch(() => null);
        throw new Error(`${e.message}\nDifferences: ${shown ? verdictProblems(shown, expectedTree).join('; ') : 'no rows'}`);
      });
      await screenshot(page, 'e2e-authz-tree-after-fix.png', RESULTS);
      state = { ...state, tool, fixed, checkLine, indent, afterFix: onDisk, scope };
    }),
  );

  it(
    'typing that disables the inserted check brings the diagnostic back before saving; Undo removes it again',
    { timeout: 90_000 },
    s.step('live-relint', async (t) => {
      const { page } = s;
      assert.ok(state.fixed, 'needs the quick fix test to have run');
      const { tool, fixed, checkLine, indent } = state;
      await openExpecting(page, SOURCE, fixed, `the fixed ${SOURCE}`);
      await waitForEditor(page, { lines: lineSet(state.afterFix), text: fixed, what: 'before typing' });

      // Comment the check out, keystroke by keystroke.
      const typed = fixed.split('\n').map((l, i) => (i === checkLine - 1 ? `${indent}// ${l.slice(indent.length)}` : l)).join('\n');
      const expected = cliFindingsForText(SOURCE, typed);
      const back = expected.find((f) => f.tool === tool);
      assert.ok(back, `the CLI does not flag ${tool} with its check commented out`);
      assert.equal(back.ruleId, 'MCPS201');
      await gotoLineColumn(page, checkLine, indent.length + 1);
      const t0 = Date.now();
      await page.keyboard.type('// ', { delay: 30 });
      const typedAt = Date.now();
      const snap = await waitForEditor(page, { lines: lineSet(expected), text: typed, what: 'within 5 s of commenting the check out', timeout: 5000 });
      debug(`diagnostic back ${Date.now() - typedAt} ms after the last keystroke (typing took ${typedAt - t0} ms)`);
      assert.ok(snap.dirty, 'the typing is not saved');
      assert.ok(snap.markers.some((m) => m.line === back.line && m.severity === EDITOR_SEVERITY[back.severity]), `a ${back.severity} squiggle on line ${back.line}`);
      assert.ok(readDisk(SOURCE) === fixed, `${SOURCE} changed on disk: the test expects no save (files.autoSave off)`);

      // The Problems panel lists it again.
      await showProblemsFor(page, SOURCE);
      let file;
      await waitFor(
        async () => {
          file = problemsOfFile(await problemsDetails(page), SOURCE_BASE);
          return file?.problems.some((p) => p.code === 'MCPS201' && p.position === `[Ln ${back.line}, Col ${back.column}]` && p.label.includes(`Tool '${tool}'`));
        },
        { timeout: 10_000, message: () => `a Problems row MCPS201 for ${tool} at [Ln ${back.line}, Col ${back.column}]; rows: ${JSON.stringify(file?.problems.map((p) => [p.code, p.position]))}` },
      );
      await screenshot(page, 'e2e-authz-live-relint.png', RESULTS);
      await hidePanel(page);

      // The tree: the tool's verdict follows the unsaved text (the live re-lint replaces that
      // file's verdicts), so the tool turns unprotected without a save.
      const rows = await readToolRows(page, SERVER_DIR, (r) => r.some((x) => x.label === tool && x.icon === 'codicon-unlock' && x.description.endsWith('· unprotected')), 10_000);
      const row = rows.find((x) => x.label === tool);
      debug(`tree while the check is commented out (unsaved): ${tool} ${row.icon} "${row.description}"`);

      // Undo the typing: the check is back, and so is the absence of the diagnostic.
      await focusActiveEditor(page);
      for (let i = 0; i < 5; i++) {
        const now = await readEditor(page);
        if (now.complete && now.text === fixed) break;
        await page.keyboard.press('Control+Z');
        await waitFor(async () => (await readEditor(page)).text !== now.text, { timeout: 3000, message: 'the editor to change on Ctrl+Z' });
      }
      await waitForEditor(page, { lines: lineSet(state.afterFix), text: fixed, what: 'after Undo', timeout: 10_000 });
      await waitFor(async () => !(await readEditor(page)).dirty, { timeout: 5000, message: 'the editor to be clean after Undo' });
    }),
  );

  it(
    '"Suppress … (with a reason)" inserts a mcp-secure-ignore comment that silences the finding only while it has a reason',
    { timeout: 120_000 },
    s.step('suppress', async (t) => {
      const { page } = s;
      assert.ok(state.fixed, 'needs the quick fix test to have run');
      const base = state.fixed;
      const target = state.afterFix.find((f) => f.ruleId === 'MCPS201' && f.tool && f.tool !== state.tool);
      assert.ok(target, `the CLI reports no other MCPS201 tool in the saved file: ${JSON.stringify(state.afterFix.map((f) => [f.ruleId, f.tool]))}`);
      const { tool } = target;
      await openExpecting(page, SOURCE, base, `the saved ${SOURCE}`);
      await waitForEditor(page, { lines: lineSet(state.afterFix), text: base, what: 'before the suppress fix' });
      await gotoLineColumn(page, target.line, target.column + 2);
      const title = `Suppress MCPS201 for '${tool}' (with a reason)`;
      const labels = (await openQuickFixMenu(page, { expect: [title] })).map((e) => e.label);
      assert.ok(labels.includes(title), `the quick fix menu lacks "${title}": ${JSON.stringify(labels)}`);
      await chooseQuickFix(page, title);

      // A comment line above the registration, indented like it, naming the rule and asking for a reason.
      let snap;
      await waitFor(
        async () => {
          snap = await readEditor(page);
          return snap?.complete && snap.text !== base;
        },
        { timeout: 10_000, message: 'the editor text to change after the suppress fix' },
      );
      const lines = snap.text.split('\n');
      const baseLines = base.split('\n');
      assert.equal(lines.length, baseLines.length + 1, 'the suppression adds one line');
      const comment = lines[target.line - 1];
      assert.deepEqual([...lines.slice(0, target.line - 1), ...lines.slice(target.line)], baseLines, 'only the comment line is added, above the registration');
      const regIndent = /^\s*/.exec(baseLines[target.line - 1])[0];
      const m = new RegExp(`^${regIndent}// mcp-secure-ignore MCPS201 (\\S.*)$`).exec(comment);
      assert.ok(m, `the inserted line should be "${regIndent}// mcp-secure-ignore MCPS201 <reason>", is ${JSON.stringify(comment)}`);
      assert.deepEqual(syntaxErrors(snap.text), [], 'the file with the suppression comment has syntax errors');
      const placeholder = m[1];
      debug(`suppression comment: ${JSON.stringify(comment)}`);
      // With the fix's placeholder as the reason, the editor agrees with the CLI on the same text,
      // and the placeholder is not a reason: the finding stays, saying why.
      const withPlaceholder = cliFindingsForText(SOURCE, snap.text);
      await waitForEditor(page, { lines: lineSet(withPlaceholder), text: snap.text, what: 'after the suppress fix', timeout: 10_000 });
      assert.ok(withPlaceholder.some((f) => f.tool === tool), `the inserted placeholder ${JSON.stringify(placeholder)} counts as a reason: the finding is suppressed before the user has given one`);
      assert.ok(withPlaceholder.find((f) => f.tool === tool).message.includes('placeholder instead of a reason'), 'the finding says the suppression still has its placeholder');
      const suppressedLines = lineSet(withPlaceholder.filter((f) => f.tool !== tool));

      // The user types the reason over the placeholder: still suppressed; saved, the CLI agrees.
      const reason = 'canned read-only reports, reviewed in SEC-42';
      const col = comment.indexOf(placeholder) + 1;
      await gotoLineColumn(page, target.line, col);
      await page.keyboard.press('Shift+End');
      await page.keyboard.type(reason, { delay: 10 });
      const withReason = [...lines.slice(0, target.line - 1), `${comment.slice(0, col - 1)}${reason}`, ...lines.slice(target.line)].join('\n');
      const typedReason = cliFindingsForText(SOURCE, withReason);
      assert.ok(!typedReason.some((f) => f.tool === tool), `the CLI still flags ${tool} under the comment with a reason`);
      assert.deepEqual(lineSet(typedReason), suppressedLines, 'the CLI with the reason typed in: only the suppressed finding is gone');
      await waitForEditor(page, { lines: suppressedLines, text: withReason, what: 'with the reason typed in', timeout: 10_000 });
      await page.keyboard.press('Control+S');
      await waitFor(() => readDisk(SOURCE) === withReason, { timeout: 10_000, message: `${SOURCE} on disk to hold the suppression after Ctrl+S` });
      const saved = cliFindings(SOURCE);
      assert.deepEqual(lineSet(saved), suppressedLines, 'the CLI on the saved file');
      assert.ok(!saved.some((f) => f.tool === tool), `the CLI still flags ${tool}`);
      await screenshot(page, 'e2e-authz-suppressed.png', RESULTS);

      // Without a reason the comment does not apply: the finding comes back, saying why.
      await gotoLineColumn(page, target.line, col);
      await page.keyboard.press('Shift+End');
      await page.keyboard.press('Delete');
      const noReason = withReason.split('\n').map((l, i) => (i === target.line - 1 ? comment.slice(0, col - 1) : l)).join('\n');
      const unsuppressed = cliFindingsForText(SOURCE, noReason);
      const returned = unsuppressed.find((f) => f.tool === tool);
      assert.ok(returned, `the CLI should flag ${tool} again when the comment has no reason`);
      await waitForEditor(page, { lines: lineSet(unsuppressed), text: noReason, what: 'with the reason deleted', timeout: 10_000 });
      await showProblemsFor(page, SOURCE);
      let file;
      await waitFor(
        async () => {
          file = problemsOfFile(await problemsDetails(page), SOURCE_BASE);
          return file?.problems.find((p) => p.code === 'MCPS201' && p.position === `[Ln ${returned.line}, Col ${returned.column}]` && /has no reason, so it does not apply/.test(p.label));
        },
        { timeout: 10_000, message: () => `a Problems row for ${tool} saying the suppression has no reason; rows: ${JSON.stringify(file?.problems.map((p) => p.label.slice(0, 200)))}` },
      );
      await screenshot(page, 'e2e-authz-suppression-without-reason.png', RESULTS);
      await hidePanel(page);
    }),
  );
});
