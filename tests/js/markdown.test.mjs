// The Markdown plugins (markdown/markdown-it.js, markdown/remark.js) with the real libraries:
// markdown-it, unified with remark-parse, remark-rehype and rehype-stringify, and @mdx-js/mdx
// (devDependencies). Run: node --test tests/js/markdown.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import { evaluate } from '@mdx-js/mdx';
import aslPlayground from '../../markdown/markdown-it.js';
import remarkAslPlayground from '../../markdown/remark.js';
import { parseSettings, attributesOf } from '../../markdown/playground.js';

const fence = (info, body) => `\`\`\`${info}\n${body}\n\`\`\`\n`;
const PASS = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}';

const viaMarkdownIt = (src, options) => new MarkdownIt().use(aslPlayground, options).render(src);
const viaRemark = (src, options) =>
  String(
    unified()
      .use(remarkParse)
      .use(remarkAslPlayground, options)
      .use(remarkRehype, { allowDangerousHtml: true })
      .use(rehypeStringify, { allowDangerousHtml: true })
      .processSync(src),
  );

/** The <asl-playground> elements of a page, as text. */
const elements = (html) => html.match(/<asl-playground[\s\S]*?<\/asl-playground>/g) ?? [];

/** Text of HTML with its character references decoded (what a browser shows). */
const decode = (html) =>
  html
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(Number.parseInt(n, 16)))
    .replace(/&(lt|gt|quot|amp);/g, (_, n) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[n]);

/** The parts of an element, by data-part, as the browser would read them. */
const partsOf = (element) => Object.fromEntries([...element.matchAll(/<pre data-part="(\w+)">([^<]*)<\/pre>/g)].map((m) => [m[1], decode(m[2])]));

/** The attributes of the opening tag, as [name, value | true]. */
const attrsOf = (element) => [...element.match(/^<asl-playground([^>]*)>/)[1].matchAll(/ ([a-z-]+)(?:="([^"]*)")?/g)].map((m) => [m[1], m[2] === undefined ? true : decode(m[2])]);

/** Both plugins, on one source: the same elements, which the test then checks. */
function both(src, options) {
  const it = viaMarkdownIt(src, options);
  const re = viaRemark(src, options);
  assert.deepEqual(elements(re), elements(it), 'remark and markdown-it write the same elements');
  return { it, re, elements: elements(it) };
}

test('one asl fence becomes one <asl-playground> holding the definition', () => {
  const { it, elements: els } = both(`# Title\n\n${fence('asl', PASS)}`);
  assert.equal(els.length, 1);
  assert.equal(
    els[0],
    '<asl-playground><pre data-part="definition">&#123;&#34;StartAt&#34;: &#34;A&#34;, &#34;States&#34;: &#123;&#34;A&#34;: &#123;&#34;Type&#34;: &#34;Pass&#34;, &#34;End&#34;: true&#125;&#125;&#125;</pre></asl-playground>',
  );
  assert.deepEqual(partsOf(els[0]), { definition: PASS });
  assert.match(it, /^<h1>Title<\/h1>\n<asl-playground>/);
  assert.doesNotMatch(it, /<code/);
});

test('asl-input and asl-mocks right after it are its input and mocks, blank lines between or not, in either order', () => {
  const input = '{"order": 1}';
  const mocks = '{"Charge": {"result": {"ok": true}, "latency": 2}}';
  const a = both(`${fence('asl', PASS)}\n\n${fence('asl-input', input)}${fence('asl-mocks', mocks)}`);
  assert.equal(a.elements.length, 1);
  assert.deepEqual(partsOf(a.elements[0]), { definition: PASS, input, mocks });
  assert.doesNotMatch(a.it, /<pre><code/);
  const b = both(`${fence('asl', PASS)}${fence('asl-mocks', mocks)}\n${fence('asl-input', input)}`);
  assert.equal(b.elements.length, 1);
  assert.deepEqual(partsOf(b.elements[0]), { definition: PASS, input, mocks });
  // The parts are always written in the same order.
  assert.match(b.elements[0], /data-part="definition".*data-part="input".*data-part="mocks"/);
  // A multi-line part keeps its lines, without the fence's last newline.
  const pretty = JSON.stringify(JSON.parse(PASS), null, 2);
  assert.deepEqual(partsOf(both(fence('asl', pretty)).elements[0]), { definition: pretty });
});

test('settings in the info string become the element attributes; only known settings with values it accepts pass', () => {
  const { elements: els } = both(fence('asl view=timeline autorun speed=2 theme=dark title="My flow"', PASS));
  assert.deepEqual(attrsOf(els[0]), [
    ['view', 'timeline'],
    ['theme', 'dark'],
    ['autorun', true],
    ['speed', '2'],
    ['title', 'My flow'],
  ]);
  assert.match(els[0], /^<asl-playground view="timeline" theme="dark" autorun speed="2" title="My flow">/);
  // Unknown keys, values the element does not accept and event handlers are dropped.
  const odd = both(fence('asl view=sideways theme=blue speed=-1 speed2=3 onclick="alert(1)" class=x data-x=1 autorun=maybe', PASS)).elements[0];
  assert.match(odd, /^<asl-playground><pre/);
  // Single quotes around double ones, = inside quotes, a later key winning, a stray quote.
  assert.deepEqual(attrsOf(both(fence(`asl title='It is a = "flow"' speed=1 speed=0.5 "stray`, PASS)).elements[0]), [
    ['speed', '0.5'],
    ['title', 'It is a = "flow"'],
  ]);
  // The plugin's options are every playground's defaults; the info string wins, autorun=false turns one off.
  const defaults = { theme: 'dark', autorun: true, speed: 10, view: 'graph', playground: '/statelab/index.html' };
  assert.deepEqual(attrsOf(both(fence('asl', PASS), defaults).elements[0]), [
    ['view', 'graph'],
    ['theme', 'dark'],
    ['autorun', true],
    ['speed', '10'],
    ['playground', '/statelab/index.html'],
  ]);
  assert.deepEqual(attrsOf(both(fence('asl theme=light autorun=false speed=3', PASS), defaults).elements[0]), [
    ['view', 'graph'],
    ['theme', 'light'],
    ['speed', '3'],
    ['playground', '/statelab/index.html'],
  ]);
  // A playground link must be http(s), however it is spelled.
  for (const bad of ['javascript:alert(1)', 'java\tscript:alert(1)', ' JAVASCRIPT:alert(1)', 'data:text/html,x']) {
    assert.deepEqual(attributesOf({ playground: bad }), [], bad);
  }
  assert.deepEqual(attributesOf({ playground: 'https://example.com/play/' }), [['playground', 'https://example.com/play/']]);
});

test('the info string parser', () => {
  assert.deepEqual(parseSettings('asl'), {});
  assert.deepEqual(parseSettings('  asl   view=both  autorun '), { view: 'both', autorun: true });
  assert.deepEqual(parseSettings(`asl title="it's" x= y t='"q"'`), { title: "it's", x: '', y: true, t: '"q"' });
  assert.deepEqual(parseSettings('asl view=timeline{.class}'), { view: 'timeline{.class}' });
});

test('escaping: what a definition or a title holds is text, and no tag gets out', () => {
  const evil = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "</pre><script>alert(1)</script><pre>", "End": true}}} </asl-playground><img src=x onerror=alert(2)>';
  const input = '{"x": "</pre></asl-playground><script>alert(3)</script>"}';
  const { it, re, elements: els } = both(`${fence('asl title="</asl-playground><script>alert(4)</script>" view="both&quot;onmouseover=x"', evil)}${fence('asl-input', input)}`);
  for (const html of [it, re]) {
    assert.doesNotMatch(html, /<script|<img|onmouseover/i);
    // The only tags are the element's own.
    assert.deepEqual(
      [...html.matchAll(/<\/?([a-z-]+)/g)].map((m) => m[0]),
      ['<asl-playground', '<pre', '</pre', '<pre', '</pre', '</asl-playground'],
    );
  }
  assert.deepEqual(partsOf(els[0]), { definition: evil, input });
  // view="both&quot;onmouseover=x" reads as view="both" then a setting that is dropped.
  assert.deepEqual(attrsOf(els[0]), [
    ['view', 'both'],
    ['title', '</asl-playground><script>alert(4)</script>'],
  ]);
  // Braces are character references: a template compiler (Vue's {{ }}, Svelte's { }) reads text.
  assert.doesNotMatch(els[0], /[{}]/);
});

test('an invalid or YAML definition is written as it is: the element reads it (and says what is wrong)', () => {
  const broken = '{"StartAt": "A", "States": {';
  assert.deepEqual(partsOf(both(fence('asl', broken)).elements[0]), { definition: broken });
  const yaml = 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {ok: true}\n    End: true';
  assert.deepEqual(partsOf(both(fence('asl', yaml)).elements[0]), { definition: yaml });
  assert.deepEqual(partsOf(both(fence('asl', '')).elements[0]), { definition: '' });
});

test('an asl-input or asl-mocks fence that follows no asl fence stays a code block', () => {
  const orphan = '{"orphan": true}';
  const cases = [
    fence('asl-input', orphan), // alone
    `${fence('asl', PASS)}\nSome text.\n\n${fence('asl-input', orphan)}`, // a paragraph between
    `${fence('asl', PASS)}<!-- note -->\n${fence('asl-input', orphan)}`, // an HTML comment between
    `${fence('asl', PASS)}${fence('js', 'x')}${fence('asl-input', orphan)}`, // another fence between
    `> ${fence('asl', PASS).trimEnd().replace(/\n/g, '\n> ')}\n\n${fence('asl-input', orphan)}`, // not a sibling
  ];
  for (const src of cases) {
    const { it, re, elements: els } = both(src);
    assert.ok(
      els.every((e) => !partsOf(e).input),
      src,
    );
    assert.match(it, /<pre><code class="language-asl-input">\{&quot;orphan&quot;: true\}\n<\/code><\/pre>/, src);
    assert.match(re, /<pre><code class="language-asl-input">\{"orphan": true\}\n<\/code><\/pre>/, src);
  }
  // A second asl-input after a group is not the group's.
  const { it, elements: els } = both(`${fence('asl', PASS)}${fence('asl-input', '{"first": 1}')}${fence('asl-input', orphan)}`);
  assert.equal(els.length, 1);
  assert.deepEqual(partsOf(els[0]), { definition: PASS, input: '{"first": 1}' });
  assert.match(it, /<\/asl-playground>\n<pre><code class="language-asl-input">/);
});

test('two playgrounds on one page, each with its own parts; in lists and quotes too', () => {
  const second = '{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}';
  const { it, elements: els } = both(
    `${fence('asl view=graph', PASS)}${fence('asl-input', '{"a": 1}')}Between them.\n\n${fence('asl view=timeline', second)}${fence('asl-mocks', '{}')}`,
  );
  assert.equal(els.length, 2);
  assert.deepEqual(partsOf(els[0]), { definition: PASS, input: '{"a": 1}' });
  assert.deepEqual(partsOf(els[1]), { definition: second, mocks: '{}' });
  assert.deepEqual(attrsOf(els[0]), [['view', 'graph']]);
  assert.deepEqual(attrsOf(els[1]), [['view', 'timeline']]);
  assert.match(it, /<\/asl-playground>\n<p>Between them.<\/p>\n<asl-playground/);
  // Back to back: an asl fence right after a group starts the next one.
  assert.equal(both(`${fence('asl', PASS)}${fence('asl', second)}`).elements.length, 2);
  // Inside a list item and a blockquote, with their input.
  const nested = both(
    `- Step one:\n\n  ${fence('asl', PASS).trimEnd().replace(/\n/g, '\n  ')}\n  ${fence('asl-input', '{"n": 1}').trimEnd().replace(/\n/g, '\n  ')}\n\n> ${fence('asl', second).trimEnd().replace(/\n/g, '\n> ')}\n`,
  );
  assert.equal(nested.elements.length, 2);
  assert.deepEqual(partsOf(nested.elements[0]), { definition: PASS, input: '{"n": 1}' });
  assert.match(nested.it, /<li>\n<p>Step one:<\/p>\n<asl-playground>/);
  assert.match(nested.it, /<blockquote>\n<asl-playground>/);
});

test('other fences and the rest of the page are untouched', () => {
  const src = `# Doc\n\nText with \`code\`.\n\n${fence('json', PASS)}${fence('js', 'let a = 1 < 2;')}${fence('', 'plain')}${fence('aslx', 'x')}${fence('ASL', 'x')}    indented code\n`;
  assert.equal(viaMarkdownIt(src), new MarkdownIt().render(src));
  assert.equal(viaRemark(src), String(unified().use(remarkParse).use(remarkRehype).use(rehypeStringify).processSync(src)));
  // markdown-it's html: false (raw HTML in the source escaped) does not stop the element.
  const md = new MarkdownIt({ html: false }).use(aslPlayground);
  assert.equal(elements(md.render(`<b>raw</b>\n\n${fence('asl', PASS)}`)).length, 1);
  assert.match(md.render('<b>raw</b>'), /&lt;b&gt;/);
});

test('markdown-it: the token carries the parts and its source lines', () => {
  const md = new MarkdownIt().use(aslPlayground);
  const tokens = md.parse(`Intro\n\n${fence('asl autorun', PASS)}\n${fence('asl-input', '{}')}`, {});
  const t = tokens.find((x) => x.type === 'asl_playground');
  assert.deepEqual(t.map, [2, 9]);
  assert.deepEqual(t.meta.parts, { definition: `${PASS}\n`, input: '{}\n' });
  assert.deepEqual(t.meta.attributes, [['autorun', true]]);
  assert.equal(tokens.filter((x) => x.type === 'fence').length, 0);
});

test('remark: an html node in Markdown, with the position of the whole group', () => {
  let tree;
  unified()
    .use(remarkParse)
    .use(remarkAslPlayground)
    .use(() => (t) => {
      tree = t;
    })
    .runSync(
      unified()
        .use(remarkParse)
        .parse(`Intro\n\n${fence('asl', PASS)}${fence('asl-mocks', '{}')}`),
    );
  const node = tree.children[1];
  assert.equal(node.type, 'html');
  assert.deepEqual([node.position.start.line, node.position.end.line], [3, 8]);
  assert.equal(`${node.value}\n`, viaMarkdownIt(`${fence('asl', PASS)}${fence('asl-mocks', '{}')}`));
});

/** A JSX runtime that builds HTML text, to render what MDX compiles without React. */
const Fragment = Symbol('Fragment');
const jsx = (type, props) => ({ type, props });
function toHtml(node) {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (Array.isArray(node)) return node.map(toHtml).join('');
  if (typeof node !== 'object') return String(node).replace(/[&<>"'{}]/g, (c) => `&#${c.charCodeAt(0)};`);
  const { children, ...props } = node.props;
  if (node.type === Fragment) return toHtml(children);
  if (typeof node.type === 'function') return toHtml(node.type(node.props));
  const attrs = Object.entries(props)
    .map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${toHtml(v)}"`))
    .join('');
  return `<${node.type}${attrs}>${toHtml(children)}</${node.type}>`;
}
const viaMdx = async (src, options) => toHtml((await evaluate(src, { Fragment, jsx, jsxs: jsx, remarkPlugins: [[remarkAslPlayground, options]] })).default({}));

test('MDX (@mdx-js/mdx): JSX elements, found without an option, the same element as in Markdown', async () => {
  const evil = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "</pre><script>{alert(1)}</script>", "End": true}}}';
  const src = `# Doc\n\n${fence('asl view=timeline autorun speed=2 title="My {flow}"', evil)}\n${fence('asl-input', '{"x": 1}')}${fence('asl-mocks', '{}')}\n${fence('js', 'x')}`;
  const html = await viaMdx(src);
  assert.deepEqual(elements(html), elements(viaMarkdownIt(src)));
  assert.doesNotMatch(html, /<script/);
  // The site's components (a code block for pre) are not used for the element's parts.
  const components = { pre: () => ({ type: 'div', props: { class: 'site-code-block' } }) };
  const withComponents = toHtml((await evaluate(src, { Fragment, jsx, jsxs: jsx, remarkPlugins: [remarkAslPlayground] })).default({ components }));
  assert.deepEqual(elements(withComponents), elements(html));
  assert.match(withComponents, /site-code-block/, 'the js fence still uses the site component');
});
