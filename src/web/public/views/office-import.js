// 导入方案 (#/office/import): the office uploads a plan document, reviews the draft as a
// form beside the document's numbered lines — every blank, missing item and defect
// the importer found marked on its field and its source line — fixes it, has the
// server check it, then saves it as a draft or publishes it.
import { fullWidth, refusalNode } from '../refusals.js';
import { clear, h } from '../util.js';
import { officeApi } from './office-api.js';
import { kindName, ox, pathLabel, planEditor, problemText } from './office-form.js';

/** A report item as a sentence: the field by its name rather than its path, full-width punctuation in Chinese. */
function reportText(item) {
  const said = ox(item.zh, item.en);
  // The importer leads with the path and its field's name in brackets: the label says both.
  const named =
    item.path && said.startsWith(item.path) ? `${pathLabel(item.path)}${said.slice(item.path.length).replace(/^ ?\([^)]*\)/, '')}` : said;
  return ox(fullWidth(named).replace(/"([^"]*)"/g, '「$1」'), named);
}

/** The kinds that need the office's hand before the plan can run. */
const NEEDS_WORK = new Set(['blank', 'missing', 'defect']);

export async function officeImportView(session, target) {
  const page = h('div', { class: 'office office-import' });
  clear(target).append(page);
  const file = h('input', { type: 'file', id: 'import-file', accept: '.docx,.txt,.md', required: true });
  const year = h('input', { type: 'number', id: 'import-year', min: '1990', max: '2100', step: '1', inputmode: 'numeric', class: 'year' });
  const message = h('div', { class: 'form-error', id: 'import-upload-message', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'import-button' }, ox('导入', 'Import'));
  const review = h('div', { id: 'import-review' });
  const form = h(
    'form',
    {
      class: 'card import-upload',
      onsubmit: async (e) => {
        e.preventDefault();
        clear(message);
        const chosen = file.files?.[0];
        if (!chosen) {
          message.textContent = ox('请选择要导入的方案文档。', 'Choose the plan document to import.');
          return;
        }
        button.disabled = true;
        try {
          const imported = await officeApi.importDocument(chosen, year.value);
          form.classList.add('done');
          showReview(review, imported);
        } catch (err) {
          message.append(refusalNode(err));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h2', {}, ox('导入方案文档', 'Import a plan document')),
    h(
      'p',
      { class: 'muted' },
      ox(
        '支持 .docx、.txt、.md 文件。导入后逐项核对草稿：标出的空白、缺失和原文错误须补全或改正，校验通过后方可发布。',
        'A .docx, .txt or .md file. Check the draft item by item: fill the marked blanks and missing items, correct the defects; it publishes once the check passes.',
      ),
    ),
    h(
      'div',
      { class: 'field-row' },
      h('label', { class: 'field' }, h('span', {}, ox('方案文档', 'Plan document')), file),
      h('label', { class: 'field' }, h('span', {}, ox('未写年份的日期所属年份（可选）', 'Year for dates without one (optional)')), year),
    ),
    h('div', { class: 'action-row' }, button),
    message,
  );
  page.append(
    h(
      'div',
      { class: 'toolbar' },
      h('h1', {}, ox('导入方案', 'Import a plan')),
      h('a', { href: '#/office', class: 'link-button' }, ox('返回办公室工作台', 'Back to the office')),
    ),
    form,
    review,
  );
}

function showReview(review, imported) {
  const editor = planEditor(imported.plan, { mode: 'import' });
  editor.showReport(imported.report);
  let saved = false;

  // The document, line by line, each flagged line marked with what was found there.
  const flagged = new Map();
  for (const item of imported.report) if (item.line && item.kind !== 'found') flagged.set(item.line, item.kind);
  const source = h(
    'ol',
    { class: 'source-lines', id: 'source-lines' },
    imported.lines.map((line, i) => {
      const n = i + 1;
      const kind = flagged.get(n);
      return h(
        'li',
        { id: `src-line-${n}`, class: kind ? `flagged flag-${kind}` : null, dataset: { line: String(n), kind: kind ?? null } },
        h('span', { class: 'line-no', 'aria-hidden': 'true' }, String(n)),
        h('span', { class: 'line-text' }, line || ' '),
      );
    }),
  );

  /** The source line a path came from: the report's line, or the nearest source the importer recorded. */
  function lineOf(path, line) {
    if (line) return line;
    let p = path;
    while (p) {
      if (imported.sources[p]) return imported.sources[p].line;
      p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    }
    return null;
  }

  function goTo(path, line) {
    for (const old of source.querySelectorAll('.current')) old.classList.remove('current');
    const n = lineOf(path, line);
    const row = n ? source.querySelector(`#src-line-${n}`) : null;
    if (row) {
      row.classList.add('current');
      // Within the source pane only, so the field stays in view too.
      source.scrollTop = row.offsetTop - source.clientHeight / 2;
    }
    editor.focus(path);
  }

  const counts = {};
  for (const item of imported.report) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  const items = [...imported.report].sort(
    (a, b) => Number(NEEDS_WORK.has(b.kind)) - Number(NEEDS_WORK.has(a.kind)) || (a.line ?? 0) - (b.line ?? 0),
  );
  const reportList = h(
    'ul',
    { class: 'import-report', id: 'import-report' },
    items
      .filter((item) => item.kind !== 'found')
      .map((item) =>
        h(
          'li',
          { class: `flag-${item.kind}`, dataset: { kind: item.kind, path: item.path, line: item.line ? String(item.line) : null } },
          h(
            'button',
            { type: 'button', class: 'link-button report-item', onclick: () => goTo(item.path, item.line) },
            h('span', { class: `badge flag-${item.kind}` }, kindName(item.kind)),
            ' ',
            item.line ? h('span', { class: 'report-line' }, ox(`第 ${item.line} 行`, `line ${item.line}`)) : null,
            ' ',
            h('span', { class: 'report-path' }, pathLabel(item.path)),
          ),
          h('div', { class: 'report-text' }, reportText(item)),
          item.text ? h('div', { class: 'report-quote' }, `「${item.text.trim()}」`) : null,
        ),
      ),
  );

  const status = h('div', { class: 'import-status', id: 'import-message', role: 'status', 'aria-live': 'polite' });
  const problemList = h('ul', { class: 'problem-list', id: 'import-problems' });

  function showProblems(err) {
    clear(status);
    clear(problemList);
    const problems = err?.body?.error?.problems;
    if (err?.status === 400 && Array.isArray(problems)) {
      editor.showProblems(problems);
      status.className = 'import-status form-error';
      status.append(h('strong', {}, ox(`还有 ${problems.length} 处问题，请改正后再试：`, `${problems.length} problems to correct first:`)));
      for (const p of problems)
        problemList.append(
          h(
            'li',
            { dataset: { path: p.path } },
            h('button', { type: 'button', class: 'link-button', onclick: () => goTo(p.path) }, problemText(p)),
          ),
        );
      return;
    }
    status.className = 'import-status form-error';
    status.append(refusalNode(err));
  }

  function ok(text) {
    editor.showProblems([]);
    clear(problemList);
    status.className = 'import-status form-ok';
    status.textContent = text;
  }

  /** The server's check; true when the draft passes. */
  async function check() {
    try {
      await officeApi.validate(editor.value(), saved);
      return true;
    } catch (err) {
      showProblems(err);
      return false;
    }
  }

  const buttons = {
    validate: h('button', { type: 'button', id: 'validate-button' }, ox('校验', 'Check')),
    save: h('button', { type: 'button', id: 'save-draft-button' }, ox('保存为草稿', 'Save as draft')),
    publish: h('button', { type: 'button', class: 'primary', id: 'publish-button' }, ox('校验并发布', 'Check and publish')),
  };
  async function busy(fn) {
    for (const b of Object.values(buttons)) b.disabled = true;
    try {
      await fn();
    } finally {
      for (const b of Object.values(buttons)) b.disabled = false;
    }
  }
  buttons.validate.addEventListener('click', () =>
    busy(async () => {
      if (await check()) ok(ox('校验通过：可以发布。', 'The check passed: the plan can be published.'));
    }),
  );
  buttons.save.addEventListener('click', () =>
    busy(async () => {
      const plan = editor.value();
      try {
        if (saved) await officeApi.replaceDraft(plan);
        else await officeApi.createPlan(plan, false);
        saved = true;
        ok(ox(`已保存为草稿「${plan.id}」，尚未发布。`, `Saved as draft "${plan.id}", not published.`));
      } catch (err) {
        showProblems(err);
      }
    }),
  );
  buttons.publish.addEventListener('click', () =>
    busy(async () => {
      if (!(await check())) return;
      const plan = editor.value();
      try {
        if (saved) {
          await officeApi.replaceDraft(plan);
          await officeApi.planEvent(plan.id, { type: 'plan.publish' });
        } else await officeApi.createPlan(plan, true);
      } catch (err) {
        showProblems(err);
        return;
      }
      location.hash = `#/office/plan/${encodeURIComponent(plan.id)}`;
    }),
  );

  const needs = ['blank', 'missing', 'defect'].map((k) => `${kindName(k)} ${counts[k] ?? 0}`).join(ox('，', ', '));
  clear(review).append(
    h(
      'div',
      { class: 'card import-head' },
      h('h2', {}, ox(`草稿：${imported.fileName}`, `Draft: ${imported.fileName}`)),
      h(
        'p',
        { class: 'muted', id: 'import-counts' },
        ox(`导入报告：${needs}。点一项，转到原文行和对应字段。`, `Import report: ${needs}. Click an item to go to its line and field.`),
      ),
      reportList,
      h('div', { class: 'action-row' }, buttons.validate, buttons.save, buttons.publish),
      status,
      problemList,
    ),
    h(
      'div',
      { class: 'import-columns' },
      h('div', { class: 'card source-pane' }, h('h3', {}, ox('原文', 'The document')), source),
      h('div', { class: 'card editor-pane' }, h('h3', {}, ox('草稿', 'The draft')), editor.node),
    ),
  );
}
