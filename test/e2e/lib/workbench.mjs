// Driving the VS Code workbench (code-server in Debian's Chromium via playwright-core).
// Selectors rely on roles and aria attributes VS Code sets for accessibility, not on
// layout positions.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { killGroupSync, listDescendants, onCleanup } from '../../../scripts/lib/code-server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium; its process group is also ended on our exit, whatever happens. */
export async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const before = new Set(listDescendants(process.pid).map((p) => p.pid));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  // playwright starts the browser detached (its own process group); remember that group.
  const mine = listDescendants(process.pid).filter((p) => !before.has(p.pid) && /chrom/i.test(p.cmdline) && p.pgid === p.pid);
  const groups = [...new Set(mine.map((p) => p.pgid))];
  const unregister = onCleanup(() => groups.forEach((g) => killGroupSync(g)));
  return {
    browser,
    async close() {
      try {
        let timer;
        await Promise.race([browser.close(), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
      } finally {
        groups.forEach((g) => killGroupSync(g));
        unregister();
      }
    },
  };
}

/** Polls fn until it returns a truthy value; throws with message() on timeout. */
export async function waitFor(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastErr;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const msg = typeof message === 'function' ? await message(last, lastErr) : message;
      throw new Error(`Timed out after ${timeout} ms waiting for ${msg}${lastErr ? ` (last error: ${lastErr.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Opens the workbench URL and waits for `.monaco-workbench` and a connected extension host. */
export async function openWorkbench(page, url, { timeout = 60_000 } = {}) {
  await page.goto(url, { timeout });
  await page.waitForSelector('.monaco-workbench', { timeout });
  // The activity bar and status bar are rendered once the workbench has restored.
  await page.waitForSelector('.part.activitybar, .part.statusbar', { timeout });
}

const quickInput = (page) => page.locator('.quick-input-widget');
const quickInputBox = (page) => page.locator('.quick-input-widget .quick-input-box input');

async function closeQuickInput(page) {
  if (await quickInput(page).isVisible()) {
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

/** Opens the command palette (F1) with `>` + query; returns the visible entry labels. */
export async function paletteEntries(page, query, { timeout = 10_000, expect = [] } = {}) {
  await closeQuickInput(page);
  await page.keyboard.press('F1');
  await quickInputBox(page).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).fill(`>${query}`);
  const read = () =>
    page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) =>
      rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()),
    );
  // Wait for the list to settle: non-empty and containing everything expected, or stable.
  let labels = [];
  let prev = null;
  let stableSince = Date.now();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    labels = await read();
    const key = labels.join('\n');
    if (key !== prev) {
      prev = key;
      stableSince = Date.now();
    }
    const hasAll = expect.every((e) => labels.some((l) => l.startsWith(e)));
    if (labels.length && hasAll) break;
    if (labels.length && !expect.length && Date.now() - stableSince > 500) break;
    await page.waitForTimeout(100);
  }
  return labels;
}

/** The open modal dialog, if any: { text, error }. */
export async function openDialog(page) {
  return page
    .$eval('.monaco-dialog-box', (d) => ({
      text: (d.querySelector('.dialog-message-text')?.textContent ?? '') + ' ' + (d.querySelector('.dialog-message-detail')?.textContent ?? ''),
      error: !!d.querySelector('.codicon-error, .codicon-dialog-error'),
    }))
    .catch(() => null);
}

/**
 * Runs a command by its palette title (e.g. "MCP Secure: Refresh Discovery"). If the
 * command fails, VS Code shows a modal error dialog ("Command ... resulted in an error"):
 * it is dismissed and, unless failOnError is false, thrown as an error.
 */
export async function runCommand(page, title, { timeout = 10_000, failOnError = true, settleMs = 300 } = {}) {
  const labels = await paletteEntries(page, title, { timeout, expect: [title] });
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
    has: page.locator(`.label-name`, { hasText: title }),
  });
  if (!labels.some((l) => l.startsWith(title))) {
    await closeQuickInput(page);
    throw new Error(`Command "${title}" is not in the command palette. Palette shows: ${JSON.stringify(labels)}`);
  }
  // Highlight the exact entry, then run it.
  await row.first().click({ timeout });
  await quickInput(page).waitFor({ state: 'hidden', timeout }).catch(() => {});
  await page.waitForTimeout(settleMs);
  const dialog = await openDialog(page);
  if (dialog) {
    await page.keyboard.press('Escape');
    await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    if (dialog.error && failOnError) throw new Error(`Command "${title}" failed: ${dialog.text.trim()}`);
  }
  return dialog;
}

/** Texts of error notifications (toasts and the notification center's list). */
export async function errorNotifications(page) {
  return page
    .$$eval('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item', (items) =>
      items
        .filter((i) => i.querySelector('.codicon-error, .codicon-notifications-error'))
        .map((i) => (i.getAttribute('aria-label') || i.textContent || '').trim()),
    )
    .catch(() => []);
}

/** The MCP Secure view container in the side bar. */
export const MCP_CONTAINER = '[id="workbench.view.extension.mcpSecure"]';
export const treeLocator = (page) => page.locator(`${MCP_CONTAINER} [role="tree"]`).first();

/**
 * Shows the MCP Secure view: clicks the activity bar entry whose aria-label starts with
 * "MCP Secure"; falls back to the command "View: Show MCP Secure".
 */
export async function openMcpSecureView(page, { timeout = 30_000 } = {}) {
  const item = page.locator('.part.activitybar .action-item a[aria-label^="MCP Secure"]').first();
  try {
    await item.waitFor({ state: 'visible', timeout });
    const active = await page.locator('.part.sidebar').getAttribute('data-active-composite').catch(() => null);
    if (active !== 'workbench.view.extension.mcpSecure') await item.click();
  } catch (e) {
    const labels = await page
      .$$eval('.part.activitybar [aria-label]', (els) => els.map((x) => x.getAttribute('aria-label')))
      .catch(() => []);
    // Fallback through the command palette, then fail with what the activity bar showed.
    try {
      await runCommand(page, 'View: Show MCP Secure');
    } catch {
      throw new Error(`No "MCP Secure" entry in the activity bar (is the extension installed and enabled?). Activity bar: ${JSON.stringify(labels)}; ${e.message}`);
    }
  }
  await page.locator(MCP_CONTAINER).waitFor({ state: 'visible', timeout });
}

/**
 * Waits in the page (animation frames) until the tree's focused row satisfies a condition,
 * then returns its info; null on timeout. kind: 'moved' (focus left row `index`) or
 * 'expanded' (focused row expanded, its children rendered or none arriving in settleMs).
 */
async function waitFocused(tree, kind, { index = -1, timeout = 3000, settleMs = 400 } = {}) {
  return tree.evaluate(
    (el, { kind, index, timeout, settleMs }) =>
      new Promise((resolve) => {
        const info = (r) => ({
          index: Number(r.getAttribute('data-index')),
          level: Number(r.getAttribute('aria-level')),
          expanded: r.getAttribute('aria-expanded'), // "true" | "false" | null (leaf)
          last: r.getAttribute('data-last-element') === 'true',
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
          ariaLabel: r.getAttribute('aria-label') ?? '',
          loading: !!r.querySelector('.monaco-tl-twistie.codicon-tree-item-loading, .monaco-tl-twistie.loading'),
        });
        const t0 = performance.now();
        let expandedAt = 0;
        const tick = () => {
          const now = performance.now();
          const row = el.querySelector('.monaco-list-row.focused');
          const r = row && info(row);
          if (r && kind === 'moved' && r.index !== index) return resolve(r);
          if (r && kind === 'expanded' && r.expanded === 'true' && !r.loading) {
            expandedAt ||= now;
            const next = el.querySelector(`.monaco-list-row[data-index="${r.index + 1}"]`);
            if (next && Number(next.getAttribute('aria-level')) > r.level) return resolve(r); // children shown
            if (now - expandedAt > settleMs) return resolve(r); // no children arrived (or not rendered)
          }
          if (now - t0 > timeout) return resolve(r ? { ...r, timedOut: true } : null);
          requestAnimationFrame(tick);
        };
        tick();
      }),
    { kind, index, timeout, settleMs },
  );
}

/** The welcome / message text of the view, if any (shown instead of a tree when empty). */
export async function viewMessage(page) {
  return page
    .$$eval(`${MCP_CONTAINER} .welcome-view-content, ${MCP_CONTAINER} .message:not(.hide)`, (els) =>
      els.map((e) => e.textContent.trim()).filter(Boolean).join(' | '),
    )
    .catch(() => '');
}

/**
 * Reads the whole tree of the MCP Secure view by walking it with the keyboard (robust to
 * list virtualisation): Home, then ArrowDown row by row, expanding collapsed rows whose
 * level is <= maxExpandLevel (ArrowRight) and waiting for their children to load.
 * Returns nested nodes { label, description, ariaLabel, level, children }.
 */
export async function readTree(page, { maxExpandLevel = 2, maxRows = 400, timeout = 30_000, noExpandUnder = ['Findings', 'Keychain'] } = {}) {
  const tree = treeLocator(page);
  await tree.waitFor({ state: 'visible', timeout });
  await waitFor(async () => (await tree.locator('.monaco-list-row').count()) > 0, {
    timeout,
    message: async () => `rows in the MCP Secure tree (view message: ${await viewMessage(page)})`,
  });
  await tree.focus();
  await page.keyboard.press('Home');
  let info = await waitFocused(tree, 'moved', { index: -1, timeout: 5000 });
  if (!info) throw new Error('no focused row in the MCP Secure tree after Home');
  const flat = [];
  const seen = new Set();
  let topLevel = '';
  for (let i = 0; i < maxRows; i++) {
    if (info.level === 1) topLevel = info.label;
    // Groups whose children are read elsewhere (or are many) are not opened further.
    const expandable = info.level <= maxExpandLevel && !(info.level > 1 && noExpandUnder.includes(topLevel));
    if (info.expanded === 'false' && expandable) {
      await page.keyboard.press('ArrowRight');
      const r = await waitFocused(tree, 'expanded', { timeout: 10_000 });
      if (!r || r.timedOut) throw new Error(`tree row "${info.label}" did not expand within 10 s`);
      info = r;
    }
    if (!seen.has(info.index)) {
      seen.add(info.index);
      flat.push(info);
    }
    // (data-last-element is not reliable after an expansion: stop when focus cannot move.)
    await page.keyboard.press('ArrowDown');
    // Generous: on a loaded 2-core machine a row can take a while to take focus; the cost is
    // paid once, at the end of the tree.
    const moved = await waitFocused(tree, 'moved', { index: info.index, timeout: 2500 });
    if (!moved || moved.timedOut) break; // nothing below
    info = moved;
  }
  return nest(flat);
}

function nest(flat) {
  const root = { label: '(root)', level: 0, children: [] };
  const stack = [root];
  for (const r of flat) {
    const node = { label: r.label, description: r.description, ariaLabel: r.ariaLabel, level: r.level, children: [] };
    while (stack.length > 1 && stack[stack.length - 1].level >= r.level) stack.pop();
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  }
  return root.children;
}

/** Renders a nested tree as indented text for failure messages. */
export function treeToText(nodes, indent = '') {
  return nodes
    .map((n) => `${indent}${n.label}${n.description ? `  [${n.description}]` : ''}\n${treeToText(n.children, indent + '  ')}`)
    .join('');
}

/** Collapses every expanded row (so the next reader starts from a compact tree). */
export async function collapseAll(page) {
  const tree = treeLocator(page);
  await tree.focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 50; i++) {
    const expanded = tree.locator('.monaco-list-row[aria-expanded="true"][aria-level="1"]');
    if ((await expanded.count()) === 0) break;
    await expanded.first().locator('.monaco-tl-twistie').click();
  }
}

/** Saves a screenshot under test-results/ and returns its path. */
export async function screenshot(page, name, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await page.screenshot({ path: file });
  return file;
}

/** Widens the side bar by dragging the sash on its right edge, so long labels are readable in screenshots. */
export async function widenSidebar(page, width = 480) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const edge = box.x + box.width;
  // The vertical sash closest to the side bar's right edge.
  const sashes = await page.$$eval('.monaco-sash.vertical', (els) =>
    els.map((e, i) => {
      const r = e.getBoundingClientRect();
      return { i, x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height };
    }),
  );
  const sash = sashes.filter((s) => s.h > 100).sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
  if (!sash || Math.abs(sash.x - edge) > 10) return;
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sash.x + 20, sash.y, { steps: 2 });
  await page.mouse.move(box.x + width, sash.y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + width + 400, sash.y); // away from the sash (no hover highlight)
}

// ---------------------------------------------------------------------------------------
// Editors: open a file, read what the editor shows, move the cursor, quick fixes
// (used by secrets.e2e.test.mjs). The text is read from the rendered lines, so the viewport
// must be tall enough for the whole file (the helpers check that no line is missing).
// ---------------------------------------------------------------------------------------

const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .editor-instance .monaco-editor';

/** Whether keyboard focus is in the active text editor. */
export async function editorHasFocus(page) {
  return page.evaluate((sel) => {
    const ed = document.querySelector(sel);
    return !!ed && ed.contains(document.activeElement);
  }, ACTIVE_EDITOR);
}

/**
 * What the active editor shows: { title, dirty, lines: [{ line, text }], text, complete,
 * markers: [{ line, severity }], cursor } where text is the lines joined with "\n" (the
 * document's text when complete, i.e. lines 1..N are all rendered), markers are the squiggles
 * (diagnostics) by line, and cursor is the status bar's "Ln X, Col Y".
 */
export async function editorSnapshot(page) {
  return page.evaluate((sel) => {
    const ed = document.querySelector(sel);
    if (!ed) return null;
    // Rendered rows are absolutely positioned; the margin says which line sits at which top.
    const lineAt = new Map();
    for (const d of ed.querySelectorAll('.margin-view-overlays > div')) {
      const n = d.querySelector('.line-numbers');
      if (n && /^\d+$/.test(n.textContent.trim())) lineAt.set(d.style.top, Number(n.textContent.trim()));
    }
    const lines = [...ed.querySelectorAll('.view-lines > .view-line')]
      .map((l) => ({ line: lineAt.get(l.style.top), text: l.textContent.replace(/\u00a0/g, ' ') }))
      .filter((l) => l.line !== undefined)
      .sort((a, b) => a.line - b.line);
    const complete = lines.length > 0 && lines.every((l, i) => l.line === i + 1);
    const markers = [];
    for (const s of ed.querySelectorAll('.view-overlays > div > [class*="squiggly-"]')) {
      const line = lineAt.get(s.parentElement.style.top);
      const severity = /squiggly-error/.test(s.className) ? 'error' : /squiggly-warning/.test(s.className) ? 'warning' : /squiggly-info/.test(s.className) ? 'info' : 'hint';
      if (line !== undefined) markers.push({ line, severity });
    }
    markers.sort((a, b) => a.line - b.line);
    const group = ed.closest('.editor-group-container');
    const tab = group?.querySelector('.tabs-container .tab.active');
    return {
      title: tab?.getAttribute('aria-label') ?? '',
      dirty: !!tab?.classList.contains('dirty'),
      lines,
      text: lines.map((l) => l.text).join('\n'),
      complete,
      markers,
      cursor: document.querySelector('[id="status.editor.selection"]')?.textContent?.trim() ?? '',
    };
  }, ACTIVE_EDITOR);
}

/** Scrolls the active editor to its first line (mouse wheel; the cursor does not move). */
export async function scrollEditorToTop(page) {
  const box = await page.locator(ACTIVE_EDITOR).first().boundingBox();
  if (!box) return;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -100_000);
}

/**
 * editorSnapshot, scrolled so the whole document is rendered: when the first lines are
 * scrolled out of view, scrolls to the top and reads again.
 */
export async function readEditor(page) {
  let snap = await editorSnapshot(page);
  if (snap && !snap.complete && snap.lines.length > 0 && snap.lines[0].line > 1) {
    await scrollEditorToTop(page);
    await page.waitForTimeout(50);
    snap = await editorSnapshot(page);
  }
  return snap;
}

/**
 * Opens a workspace file by its relative path with Quick Open (Ctrl+P) and waits until the
 * active editor shows it completely. Returns the editor snapshot.
 */
export async function openFileQuickOpen(page, relPath, { timeout = 20_000 } = {}) {
  await closeQuickInput(page);
  await page.keyboard.press('Control+P');
  await quickInputBox(page).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).fill(relPath);
  const base = path.posix.basename(relPath);
  const dir = path.posix.dirname(relPath);
  // A file result reads "<name> <folder>, file results" (the folder is omitted at the root).
  const want = dir === '.' ? new RegExp(`^${escapeRe(base)}(,|$)`) : new RegExp(`^${escapeRe(base)} ${escapeRe(dir)}(,|$)`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name') });
  await waitFor(
    async () => {
      const labels = await row.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
      return labels.some((l) => want.test(l));
    },
    { timeout, message: async () => `Quick Open to list ${relPath}; it shows ${JSON.stringify(await row.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label'))).catch(() => []))}` },
  );
  const labels = await row.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
  await row.nth(labels.findIndex((l) => want.test(l))).click({ timeout });
  await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  return waitFor(
    async () => {
      const snap = await readEditor(page);
      const crumbs = await page
        .$$eval('.part.editor .editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item', (els) => els.map((e) => e.textContent.trim()))
        .catch(() => []);
      const shown = crumbs.slice(0, dir === '.' ? 1 : dir.split('/').length + 1).join('/');
      return snap && snap.complete && snap.title.startsWith(base) && shown === relPath ? snap : null;
    },
    { timeout, message: `an editor showing ${relPath} completely (is the viewport tall enough?)` },
  );
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Gives the active editor keyboard focus (View: Focus Active Editor Group). */
export async function focusActiveEditor(page, { timeout = 10_000 } = {}) {
  if (await editorHasFocus(page)) return;
  await closeQuickInput(page);
  await page.keyboard.press('Control+1');
  await waitFor(() => editorHasFocus(page), { timeout, message: 'keyboard focus in the active editor (Ctrl+1)' });
}

/** Moves the cursor to line:column (1-based) with Go to Line (Ctrl+G); waits for the status bar to agree. */
export async function gotoLineColumn(page, line, column, { timeout = 10_000 } = {}) {
  await focusActiveEditor(page, { timeout });
  await page.keyboard.press('Control+G');
  await quickInputBox(page).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).fill(`:${line}:${column}`); // Go to Line's quick access prefix is ':'
  await page.keyboard.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  await waitFor(async () => (await editorSnapshot(page))?.cursor === `Ln ${line}, Col ${column}`, {
    timeout,
    message: async () => `the cursor at Ln ${line}, Col ${column} (status bar: "${(await editorSnapshot(page))?.cursor}")`,
  });
}

const codeActionRows = (page) => page.locator('.action-widget .monaco-list-row.action');

/**
 * Opens the quick fix menu (Ctrl+.) at the cursor and returns its entries once the list is
 * stable: [{ label, focused }]. Pass expect to wait for particular entries.
 */
export async function openQuickFixMenu(page, { timeout = 15_000, expect = [] } = {}) {
  await focusActiveEditor(page);
  await page.keyboard.press('Control+.');
  let pressedAt = Date.now();
  let entries = [];
  let prev = null;
  let stableSince = Date.now();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    // On a loaded machine the first Ctrl+. can be lost (focus, a slow code-action request): ask again.
    if (entries.length === 0 && Date.now() - pressedAt > 3000) {
      await focusActiveEditor(page);
      await page.keyboard.press('Control+.');
      pressedAt = Date.now();
    }
    entries = await codeActionRows(page)
      .evaluateAll((rs) => rs.map((r) => ({ label: (r.getAttribute('aria-label') ?? r.textContent ?? '').replace(/, Quick Fix$/, '').trim(), focused: r.classList.contains('focused') })))
      .catch(() => []);
    const key = JSON.stringify(entries);
    if (key !== prev) {
      prev = key;
      stableSince = Date.now();
    }
    const hasAll = expect.every((e) => entries.some((x) => x.label === e));
    if (entries.length && hasAll && Date.now() - stableSince > 300) break;
    await page.waitForTimeout(100);
  }
  return entries;
}

/** Runs an entry of the open quick fix menu by its label; waits for the menu to close. */
export async function chooseQuickFix(page, label, { timeout = 10_000 } = {}) {
  const labels = await codeActionRows(page).evaluateAll((rs) => rs.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').replace(/, Quick Fix$/, '').trim()));
  const index = labels.findIndex((l) => l === label);
  if (index < 0) throw new Error(`the quick fix menu has no "${label}"; it shows ${JSON.stringify(labels)}`);
  await codeActionRows(page).nth(index).click({ timeout });
  await page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout }).catch(() => {});
}

/**
 * Expands the top-level group `label` of the MCP Secure tree (collapsing the others, so the
 * list is short and fully rendered) and returns its children rows:
 * [{ label, description, level, expanded, index }]. Waits until `until(children)` holds, if given.
 */
export async function expandTreeGroup(page, label, { timeout = 20_000, until } = {}) {
  const tree = treeLocator(page);
  await tree.waitFor({ state: 'visible', timeout });
  await collapseAll(page);
  const group = tree.locator('.monaco-list-row[aria-level="1"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) });
  await group.first().waitFor({ state: 'visible', timeout });
  if ((await group.first().getAttribute('aria-expanded')) !== 'true') await group.first().locator('.monaco-tl-twistie').click();
  const read = () =>
    tree.evaluate((el, label) => {
      const rows = [...el.querySelectorAll('.monaco-list-row')]
        .map((r) => ({
          index: Number(r.getAttribute('data-index')),
          level: Number(r.getAttribute('aria-level')),
          expanded: r.getAttribute('aria-expanded'),
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        }))
        .sort((a, b) => a.index - b.index);
      const start = rows.findIndex((r) => r.level === 1 && r.label === label);
      if (start < 0 || rows[start].expanded !== 'true') return null;
      const out = [];
      for (const r of rows.slice(start + 1)) {
        if (r.level <= 1) break;
        out.push(r);
      }
      return out;
    }, label);
  let last = null;
  return waitFor(
    async () => {
      last = await read();
      return last && last.length > 0 && (!until || until(last)) ? last : null;
    },
    { timeout, message: () => `the "${label}" group of the MCP Secure tree to show the expected rows; it shows ${JSON.stringify(last)}` },
  );
}

/** Expands a (non top-level) row of the MCP Secure tree by its label; returns its children rows. */
export async function expandTreeRow(page, label, { level = 2, timeout = 10_000 } = {}) {
  const tree = treeLocator(page);
  const row = tree.locator(`.monaco-list-row[aria-level="${level}"]`).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  return waitFor(
    () =>
      tree.evaluate(
        (el, { label, level }) => {
          const rows = [...el.querySelectorAll('.monaco-list-row')]
            .map((r) => ({
              index: Number(r.getAttribute('data-index')),
              level: Number(r.getAttribute('aria-level')),
              expanded: r.getAttribute('aria-expanded'),
              label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
              description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
            }))
            .sort((a, b) => a.index - b.index);
          const start = rows.findIndex((r) => r.level === level && r.label === label);
          if (start < 0 || rows[start].expanded !== 'true') return null;
          const out = [];
          for (const r of rows.slice(start + 1)) {
            if (r.level <= level) break;
            out.push(r);
          }
          return out.length ? out : null;
        },
        { label, level },
      ),
    { timeout, message: `the children of "${label}" in the MCP Secure tree` },
  );
}

/** Rows of the Problems panel: [{ level, label }] (the aria-labels VS Code sets). */
export async function problemsRows(page) {
  return page
    .$$eval('.part.panel .markers-panel .monaco-list-row', (rows) =>
      rows.map((r) => ({ index: Number(r.getAttribute('data-index')), level: Number(r.getAttribute('aria-level')), label: r.getAttribute('aria-label') ?? '' })).sort((a, b) => a.index - b.index),
    )
    .catch(() => []);
}
