// The Files tab: the objects a run reads and writes in Amazon S3's place, by bucket and key
// (model/files.js). It is a view of the mocks' `Files` section, the one source of truth: what
// is added (a drop, a paste, Add files, New file), edited, renamed or deleted here is written
// into the mocks' text (work.setText), so the files are saved with the workspace, put in share
// links and marked as generated as the mocks are. The files the last run wrote are listed apart,
// read-only, downloadable, and copied into the section by Keep. Loaded when first needed
// (main.js), with its own styles: the page's first load does not carry it.
import { h, $ } from '../lib/dom.js';
import { toast } from '../state.js';
import { download as downloadFile } from '../lib/export.js';
import { untouchedMocks } from '../model/generated.js';
import { filesOf, withFiles, putFile, removeFile, renameFile, listFiles, writtenFiles, fileKind, placeFor, freeKey, badBucketName, badKey, byteLength } from '../model/files.js';

const CSS = `
.files { position: absolute; inset: 0; overflow: auto; padding: 8px 12px; font-size: 13px; display: flex; flex-direction: column; gap: 8px; background: var(--bg-editor); }
.files.dragging { outline: 2px dashed var(--accent); outline-offset: -6px; }
.files-tools { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.files-tools .hint { color: var(--fg-muted); flex: 1; min-width: 12em; }
.files-note { margin: 0; padding: 5px 10px; border-radius: 4px; background: var(--bg-subtle); color: var(--fg); }
.files-note.generated { background: var(--generated-bg); border-left: 3px solid var(--generated); }
.files-note.generated strong { color: var(--generated); }
.files-note.bad { background: var(--bad-bg); }
.files-group { margin: 0; }
.files-group h3 { margin: 4px 0; font-size: 12px; font-weight: 600; color: var(--fg-muted); text-transform: uppercase; letter-spacing: .04em; }
.files-list { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: 6px; }
.files-list li { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 4px 8px; border-top: 1px solid var(--border); }
.files-list li:first-child { border-top: 0; }
.files-list li.selected { background: var(--selection); }
.files-list .file-open { flex: 1 0 100%; min-width: 0; text-align: left; background: none; border: 0; padding: 2px 0; color: var(--fg); font: inherit; cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.files-list .file-open code { font-family: var(--mono); }
.files-list .bucket { color: var(--fg-muted); }
.files-list .spacer { flex: 1; }
.files-list .size { color: var(--fg-faint); font-variant-numeric: tabular-nums; }
.file-badge { font-size: 11px; padding: 1px 6px; border-radius: 10px; background: var(--bg-subtle); color: var(--fg-muted); white-space: nowrap; }
.file-badge.generated { background: var(--generated-bg); color: var(--generated); }
.file-badge.written { background: var(--good-bg); color: var(--good); }
.files-list .btn { padding: 1px 8px; font-size: 12px; }
.file-edit { display: flex; flex-direction: column; gap: 6px; border: 1px solid var(--border); border-radius: 6px; padding: 8px; }
.file-edit .where { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.file-edit input { font-family: var(--mono); font-size: 12px; padding: 3px 6px; border: 1px solid var(--border); border-radius: 4px; background: var(--bg-editor); color: var(--fg); }
.file-edit input.bucket-name { width: 12em; }
.file-edit input.key-name { flex: 1; min-width: 10em; }
.file-edit textarea { font-family: var(--mono); font-size: 12px; min-height: 12em; resize: vertical; padding: 6px; border: 1px solid var(--border); border-radius: 4px; background: var(--bg-editor); color: var(--fg); white-space: pre; }
.file-edit .why { color: var(--bad); margin: 0; }
.files-lists { display: flex; flex-direction: column; gap: 8px; }
.files-empty { color: var(--fg-muted); margin: 0; }
.files .linkish { background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; font: inherit; text-decoration: underline; }
`;

const fmtSize = (n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
const MIME = { csv: 'text/csv', json: 'application/json', jsonl: 'application/x-ndjson', text: 'text/plain' };

/** Offer `text` as a download named after the key's last part. */
const download = (key, text) => downloadFile(key.split('/').pop() || 'file', text, MIME[fileKind(key)]);

/** Mount the Files tab in `host`. work: work.js (setText). */
export function mountFiles(store, { host, work }) {
  if (!document.getElementById('files-css')) document.head.append(h('style', { id: 'files-css', text: CSS }));
  // The file open in the small editor: {bucket, key, written} or null.
  let open = null;
  let why = ''; // why the last rename was refused

  const current = () => filesOf(store.get().work.mocks);

  /** Write `files` as the mocks' Files section; false (with a toast) when the mocks cannot hold them. */
  function save(files) {
    try {
      work.setText('mocks', withFiles(store.get().work.mocks, files));
      return true;
    } catch (e) {
      toast(store, `The files cannot be changed: ${e.message}.`, true);
      return false;
    }
  }

  /** Add text files (a drop, a paste, Add files): each where the workflow reads, under its name. */
  function addTexts(items) {
    let { files, kind, why: bad } = current();
    if (kind !== 'files') {
      toast(store, kind === 'sfn-local' ? 'The mocks are a Step Functions Local configuration, which holds no files.' : `Fix the mocks first: ${bad}.`, true);
      return;
    }
    let last = null;
    for (const { name, text } of items) {
      const at = placeFor(name, files, store.get().definition.parsed);
      files = putFile(files, at.bucket, at.key, text.replace(/\r\n?/g, '\n'));
      last = at;
    }
    if (save(files) && last) {
      open = { ...last, written: false };
      toast(store, `Added ${items.length === 1 ? `s3://${last.bucket}/${last.key}` : `${items.length} files`}.`);
    }
  }

  async function addFileList(list) {
    const items = [];
    for (const f of list) items.push({ name: f.name, text: await f.text() });
    if (items.length) addTexts(items);
  }

  const picker = h('input', {
    type: 'file',
    multiple: true,
    hidden: true,
    'data-testid': 'files-input',
    onchange: () => addFileList([...picker.files]).finally(() => (picker.value = '')),
  });
  const newFile = () => {
    const { files, kind } = current();
    if (kind !== 'files') return addTexts([]);
    const bucket = placeFor('items.json', files, store.get().definition.parsed).bucket;
    const key = freeKey(files, bucket, 'new-file.json');
    if (save(putFile(files, bucket, key, ''))) open = { bucket, key, written: false };
    draw();
  };

  host.replaceChildren();
  const root = h('div', { class: 'files', 'data-testid': 'files-panel', tabindex: '-1' });
  const listHost = h('div', { class: 'files-lists' });
  const editHost = h('div', { class: 'files-editor' });
  root.append(listHost, editHost);
  host.append(root);
  let editId = null; // which file the editor shows

  // A drop anywhere on the tab; a paste that is not into a field of it.
  root.addEventListener('dragover', (e) => {
    if (![...(e.dataTransfer?.types || [])].includes('Files')) return;
    e.preventDefault();
    root.classList.add('dragging');
  });
  root.addEventListener('dragleave', () => root.classList.remove('dragging'));
  root.addEventListener('drop', (e) => {
    root.classList.remove('dragging');
    if (!e.dataTransfer?.files?.length) return;
    e.preventDefault();
    addFileList([...e.dataTransfer.files]);
  });
  root.addEventListener('paste', (e) => {
    if (e.target.closest('input, textarea')) return;
    const files = [...(e.clipboardData?.files || [])];
    if (files.length) {
      e.preventDefault();
      addFileList(files);
      return;
    }
    const text = e.clipboardData?.getData('text/plain');
    if (!text) return;
    e.preventDefault();
    const t = text.trim();
    const name = /^[[{]/.test(t) ? 'pasted.json' : /^\{.*\}\s*\n\s*\{/s.test(t) ? 'pasted.jsonl' : t.split('\n')[0].includes(',') ? 'pasted.csv' : 'pasted.txt';
    addTexts([{ name: freeKey(current().files, placeFor(name, current().files, store.get().definition.parsed).bucket, name), text }]);
  });

  function row({ bucket, key, text, bytes }, { origin, selected }) {
    const written = origin === 'written';
    return h(
      'li',
      { class: selected ? 'selected' : '', 'data-testid': written ? 'written-file' : 'file-row', 'data-bucket': bucket, 'data-key': key, 'data-origin': origin },
      h(
        'button',
        {
          class: 'file-open',
          title: `s3://${bucket}/${key}`,
          onclick: () => {
            open = { bucket, key, written };
            why = '';
            draw();
          },
        },
        h('span', { class: 'bucket', text: `${bucket}/` }),
        h('code', { text: key }),
      ),
      h('span', { class: 'file-badge', text: fileKind(key).toUpperCase() }),
      origin === 'generated' ? h('span', { class: 'file-badge generated', text: 'generated', title: 'Generated by statelab from the definition: edit it to make it yours' }) : null,
      written ? h('span', { class: 'file-badge written', text: 'written by the run', title: 'The last run wrote this object: read-only until you keep it' }) : null,
      h('span', { class: 'size', text: fmtSize(bytes) }),
      h('span', { class: 'spacer' }),
      h('button', { class: 'btn', type: 'button', text: 'Download', 'data-testid': 'file-download', onclick: () => download(key, text) }),
      written
        ? h('button', {
            class: 'btn',
            type: 'button',
            text: 'Keep',
            'data-testid': 'file-keep',
            title: 'Copy it into the files: the next runs read it, and it is saved and shared with the work',
            onclick: () => {
              const { files } = current();
              if (save(putFile(files, bucket, key, text))) open = { bucket, key, written: false };
              draw();
            },
          })
        : h('button', {
            class: 'btn',
            type: 'button',
            text: 'Delete',
            'data-testid': 'file-delete',
            onclick: () => {
              if (save(removeFile(current().files, bucket, key)) && open && !open.written && open.bucket === bucket && open.key === key) open = null;
              draw();
            },
          }),
    );
  }

  function editor(file, written) {
    const bucketIn = h('input', { class: 'bucket-name', value: file.bucket, 'aria-label': 'Bucket', 'data-testid': 'file-bucket', readonly: written, spellcheck: 'false' });
    const keyIn = h('input', { class: 'key-name', value: file.key, 'aria-label': 'Key', 'data-testid': 'file-key', readonly: written, spellcheck: 'false' });
    const area = h('textarea', { 'aria-label': `Content of s3://${file.bucket}/${file.key}`, 'data-testid': 'file-text', readonly: written, spellcheck: 'false' });
    // What the run wrote is shown pretty-printed when it is JSON (downloaded as written).
    let shownText = file.text;
    if (written && fileKind(file.key) === 'json') {
      try {
        shownText = JSON.stringify(JSON.parse(file.text), null, 2);
      } catch {}
    }
    area.value = shownText;
    const rename = () => {
      const b = bucketIn.value.trim();
      const k = keyIn.value;
      if (b === file.bucket && k === file.key) return;
      why = badBucketName(b) || badKey(k) || (current().files[b]?.[k] !== undefined ? `s3://${b}/${k} exists already` : '');
      if (!why && save(renameFile(current().files, file.bucket, file.key, b, k))) open = { bucket: b, key: k, written: false };
      draw();
    };
    if (!written) {
      bucketIn.addEventListener('change', rename);
      keyIn.addEventListener('change', rename);
      let timer = null;
      area.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => save(putFile(current().files, file.bucket, file.key, area.value)), 250);
      });
      area.addEventListener('blur', () => {
        clearTimeout(timer);
        if (current().files[file.bucket]?.[file.key] !== area.value) save(putFile(current().files, file.bucket, file.key, area.value));
      });
    }
    return h(
      'div',
      { class: 'file-edit', 'data-testid': 'file-editor' },
      h('div', { class: 'where' }, h('span', { text: 's3://' }), bucketIn, h('span', { text: '/' }), keyIn, h('span', { class: 'size', text: fmtSize(byteLength(file.text)) })),
      why ? h('p', { class: 'why', role: 'alert', text: why }) : null,
      written ? h('p', { class: 'files-note', text: 'Written by the last run: read-only. Keep copies it into the files.' }) : null,
      area,
    );
  }

  function draw() {
    const s = store.get();
    const { kind, files, why: bad } = filesOf(s.work.mocks);
    const list = listFiles(files);
    const wrote = writtenFiles(s.run?.result);
    let parsed = null;
    try {
      parsed = JSON.parse(s.work.mocks);
    } catch {}
    const generated = untouchedMocks(s.work.generated, parsed).includes('Files');
    const children = [
      h(
        'div',
        { class: 'files-tools' },
        h('span', {
          class: 'hint',
          text: 'The objects an ItemReader, a ResultWriter and S3 Tasks read and write, by bucket and key. Drop or paste CSV, JSON, JSONL or any text here.',
        }),
        h('button', { class: 'btn', type: 'button', text: 'New file', 'data-testid': 'files-new', onclick: newFile }),
        h('button', { class: 'btn', type: 'button', text: 'Add files…', 'data-testid': 'files-add', onclick: () => picker.click() }),
        picker,
      ),
    ];
    if (kind === 'sfn-local')
      children.push(h('p', { class: 'files-note', text: 'The mocks are a Step Functions Local configuration: it holds no files, and the runs read none.' }));
    else if (kind === 'invalid') children.push(h('p', { class: 'files-note bad', role: 'alert', text: `The files cannot be read: ${bad}.` }));
    if (generated && list.length)
      children.push(
        h(
          'p',
          { class: 'files-note generated', 'data-testid': 'files-generated' },
          h('strong', { text: 'Generated by statelab from the definition' }),
          ': these files — edit one to make them yours.',
        ),
      );
    const isOpen = (f, w) => open && open.written === w && open.bucket === f.bucket && open.key === f.key;
    children.push(
      h(
        'section',
        { class: 'files-group' },
        h('h3', { text: `Files (${list.length})` }),
        list.length
          ? h(
              'p',
              { class: 'files-empty', 'data-testid': 'files-size' },
              `${fmtSize(list.reduce((n, f) => n + f.bytes, 0))} in all, kept with the workspace and put in share links (a work too big for a link is offered as a file). `,
              h('button', {
                class: 'linkish',
                type: 'button',
                text: 'Download all',
                title: 'The files as a mock configuration’s Files section ({"Files": {bucket: {key: text}}}), which statelab run --mock-config reads',
                onclick: () => download('files.json', `${JSON.stringify({ Files: files }, null, 2)}\n`),
              }),
            )
          : null,
        list.length
          ? h(
              'ul',
              { class: 'files-list', 'aria-label': 'Files' },
              list.map((f) => row(f, { origin: generated ? 'generated' : 'user', selected: isOpen(f, false) })),
            )
          : h('p', { class: 'files-empty', text: 'No files yet.' }),
      ),
    );
    if (wrote.length)
      children.push(
        h(
          'section',
          { class: 'files-group', 'data-testid': 'files-written' },
          h('h3', { text: `Written by the last run (${wrote.length})` }),
          h(
            'ul',
            { class: 'files-list', 'aria-label': 'Files written by the last run' },
            wrote.map((f) => row(f, { origin: 'written', selected: isOpen(f, true) })),
          ),
        ),
      );
    const shown = open && (open.written ? wrote : list).find((f) => f.bucket === open.bucket && f.key === open.key);
    if (!shown) open = null;
    listHost.replaceChildren(...children);
    // The editor is made anew only for another file or another text than it shows: typing in
    // it (saved into the mocks, which redraws the tab) keeps its caret and scroll.
    const id = shown ? JSON.stringify([shown.bucket, shown.key, open.written, why]) : null;
    const area = editHost.querySelector('textarea');
    if (id !== editId || (shown && !open.written && area?.value !== shown.text && document.activeElement !== area)) {
      editHost.replaceChildren(...(shown ? [editor(shown, open.written)] : []));
      editId = id;
    } else if (shown) {
      const size = editHost.querySelector('.where .size');
      if (size) size.textContent = fmtSize(shown.bytes);
    }
  }

  store.subscribe(
    (s) => [s.work.mocks, s.work.generated, s.run?.result?.files, s.definition.parsed],
    () => draw(),
  );
  draw();
  return { addTexts, focus: () => $('[data-testid="files-panel"]').focus() };
}
