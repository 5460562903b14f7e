// The principal-matrix grid (webview side). Renders what the extension posts: one table per
// matrix file, tools × principals. Text from the harness (cell details) only ever goes in
// through textContent / attributes, never as HTML. Protocol: see src/extension/matrixGrid.ts.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  /** @type {{ mismatchesOnly?: boolean, selected?: { file: string, tool: string, principal: string } }} */
  const state = vscode.getState() || {};
  /** @type {any[]} */
  let models = [];
  let running = false;

  const root = /** @type {HTMLElement} */ (document.getElementById('root'));
  const filter = /** @type {HTMLInputElement} */ (document.getElementById('mismatches-only'));
  const runAll = /** @type {HTMLButtonElement} */ (document.getElementById('run-all'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  filter.checked = !!state.mismatchesOnly;
  filter.addEventListener('change', () => {
    state.mismatchesOnly = filter.checked;
    vscode.setState(state);
    render();
  });
  runAll.addEventListener('click', () => vscode.postMessage({ type: 'runAll' }));

  const STATE_LABEL = {
    allow: 'allowed',
    deny: 'denied',
    error: 'error',
    timeout: 'timeout',
    skipped: 'skipped',
    'not-run': 'not run',
  };
  const SHORT = { allow: 'allow', deny: 'deny', error: 'error', timeout: 'timeout', skipped: 'skip', 'not-run': '–' };

  /** @param {string} tag @param {Record<string, string>} [attrs] @param {(Node|string)[]} [children] */
  function el(tag, attrs = {}, children = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  function describe(cell) {
    const lines = [`${cell.principal} → ${cell.tool}`];
    if (cell.state === 'not-run') lines.push(`not run yet; expected ${cell.expected}`);
    else {
      lines.push(`expected ${cell.expected === 'none' ? 'nothing (no expectation)' : cell.expected}, got ${cell.state}${cell.mismatch ? ' — MISMATCH' : ''}`);
      if (cell.detail) lines.push(cell.detail);
      if (typeof cell.durationMs === 'number') lines.push(`${cell.durationMs} ms`);
    }
    return lines.join('\n');
  }

  function summaryText(m) {
    const s = m.summary;
    const parts = [`${s.total} cells (${m.tools.length} tools × ${m.principals.length} principals)`];
    if (s.run === 0) parts.push('not run yet');
    else {
      parts.push(`${s.asExpected} as expected`, `${s.mismatches} mismatch${s.mismatches === 1 ? '' : 'es'}`);
      if (s.skipped) parts.push(`${s.skipped} skipped`);
      if (s.noExpectation) parts.push(`${s.noExpectation} without expectation`);
      if (s.run < s.total) parts.push(`${s.total - s.run} not run`);
      if (m.finishedAt) parts.push(`last run ${new Date(m.finishedAt).toLocaleTimeString()}${typeof m.durationMs === 'number' ? ` in ${(m.durationMs / 1000).toFixed(1)} s` : ''}`);
    }
    return parts.join(' · ');
  }

  function isSelected(m, cell) {
    const s = state.selected;
    return !!s && s.file === m.file && s.tool === cell.tool && s.principal === cell.principal;
  }

  function renderModel(m) {
    const section = el('section', { class: 'matrix', 'data-file': m.file });
    section.append(el('h2', {}, [m.title]));
    if (m.error) {
      section.append(el('p', { class: 'error-text', role: 'alert' }, [m.error]));
      return section;
    }
    section.append(el('p', { class: 'summary', 'data-summary': '' }, [summaryText(m)]));
    const only = !!state.mismatchesOnly;
    const np = m.principals.length;
    const cellAt = (i, j) => m.cells[i * np + j];
    let cols = m.principals.map((_, j) => j);
    let rows = m.tools.map((_, i) => i);
    if (only) {
      cols = cols.filter((j) => rows.some((i) => cellAt(i, j).mismatch));
      rows = rows.filter((i) => cols.some((j) => cellAt(i, j).mismatch));
      if (rows.length === 0) {
        section.append(el('p', { class: 'empty' }, [m.summary.run ? 'No mismatches.' : 'Not run yet.']));
        return section;
      }
    }
    // A plain table (native row/column header semantics); each cell is a button.
    const table = el('table', { class: 'grid', 'aria-label': `Principal matrix of ${m.title}: tools by principals` });
    const head = el('tr', {}, [el('th', { class: 'corner', scope: 'col' }, ['tool \\ principal'])]);
    for (const j of cols) {
      const p = m.principals[j];
      const hostile = m.cells[j]?.hostile;
      // A line-break opportunity after each hyphen: "wrong-audience" may wrap as "wrong-" / "audience".
      const name = p.split(/(?<=-)/).flatMap((part, k) => (k ? [el('wbr'), part] : [part]));
      head.append(el('th', { scope: 'col', class: hostile ? 'hostile' : '', title: hostile ? `${p}: built-in hostile principal` : p }, [...name, ...(hostile ? [el('span', { class: 'tag' }, ['hostile'])] : [])]));
    }
    table.append(el('thead', {}, [head]));
    const body = el('tbody');
    for (const i of rows) {
      const tr = el('tr', {}, [el('th', { scope: 'row' }, [m.tools[i]])]);
      for (const j of cols) {
        const cell = cellAt(i, j);
        if (only && !cell.mismatch) {
          tr.append(el('td', { class: 'filtered' }));
          continue;
        }
        const label = `${cell.principal} calling ${cell.tool}: ${STATE_LABEL[cell.state]}${cell.expected !== 'none' ? `, expected ${cell.expected}` : ', no expectation'}${cell.mismatch ? ', mismatch' : ''}`;
        const button = el(
          'button',
          {
            class: `cell s-${cell.state}${cell.mismatch ? ' mismatch' : ''}${isSelected(m, cell) ? ' selected' : ''}`,
            'data-cell': '',
            'data-tool': cell.tool,
            'data-principal': cell.principal,
            'data-state': cell.state,
            'data-expected': cell.expected,
            'data-mismatch': String(cell.mismatch),
            title: describe(cell),
            'aria-label': label,
          },
          [
            ...(cell.mismatch ? [el('span', { class: 'icon', 'aria-hidden': 'true' }, ['✖'])] : []),
            el('span', { class: 'text' }, [SHORT[cell.state]]),
          ],
        );
        button.addEventListener('click', () => {
          state.selected = { file: m.file, tool: cell.tool, principal: cell.principal };
          vscode.setState(state);
          vscode.postMessage({ type: 'reveal', file: m.file, tool: cell.tool, principal: cell.principal });
          render();
        });
        button.addEventListener('dblclick', () => vscode.postMessage({ type: 'rerun', file: m.file, tool: cell.tool, principal: cell.principal }));
        tr.append(el('td', {}, [button]));
      }
      body.append(tr);
    }
    table.append(body);
    section.append(el('div', { class: 'scroll' }, [table]));
    const sel = state.selected;
    const selected = sel && sel.file === m.file ? m.cells.find((c) => c.tool === sel.tool && c.principal === sel.principal) : undefined;
    if (selected) {
      const rerun = el('button', { class: 'action', 'data-action': 'rerun' }, ['Re-run this cell']);
      rerun.addEventListener('click', () => vscode.postMessage({ type: 'rerun', file: m.file, tool: selected.tool, principal: selected.principal }));
      const debug = el('button', { class: 'action secondary', 'data-action': 'debug' }, ['Debug this cell']);
      debug.addEventListener('click', () => vscode.postMessage({ type: 'debug', file: m.file, tool: selected.tool, principal: selected.principal }));
      rerun.toggleAttribute('disabled', running);
      debug.toggleAttribute('disabled', running);
      section.append(el('div', { class: 'details', role: 'region', 'aria-label': 'Selected cell' }, [el('pre', {}, [describe(selected)]), el('div', { class: 'actions' }, [rerun, debug])]));
    }
    if (m.notes.length) section.append(el('ul', { class: 'notes' }, m.notes.map((n) => el('li', {}, [n]))));
    return section;
  }

  function render() {
    root.replaceChildren(...(models.length ? models.map(renderModel) : [el('p', { class: 'empty' }, ['No mcp-matrix.json in this workspace. Run "MCP Secure: Create Principal Matrix" to write one.'])]));
    status.textContent = running ? 'Running…' : '';
    runAll.toggleAttribute('disabled', running);
    document.body.dataset.rendered = String(Date.now());
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg && msg.type === 'models') {
      models = Array.isArray(msg.models) ? msg.models : [];
      running = !!msg.running;
      render();
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
