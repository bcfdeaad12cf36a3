// statelab/remark: a unified (remark) plugin that makes a fence with the info string `asl` a
// live <asl-playground> (statelab/embed), with the `asl-input` and `asl-mocks` fences right
// after it as its input and mocks (see playground.js for the rules).
//
//   import { unified } from 'unified';
//   import remarkParse from 'remark-parse';
//   import remarkAslPlayground from 'statelab/remark';
//   unified().use(remarkParse).use(remarkAslPlayground, { theme: 'dark' })...
//
// Each group of mdast `code` nodes becomes one node:
// - in Markdown, an `html` node holding the element (remark-rehype passes it on with
//   allowDangerousHtml: true, then rehype-raw or rehype-stringify's allowDangerousHtml);
// - in MDX (remark-mdx in the processor, as in @mdx-js/mdx, Docusaurus and Astro's MDX), an
//   `mdxJsxFlowElement`: MDX has no raw HTML, and JSX text needs no escaping.
// options: the settings every playground gets unless its info string says otherwise (view,
// theme, autorun, speed, title, playground), and `mdx` (true or false) to choose the output
// instead of looking for remark-mdx. Uses nothing of unified but the processor it runs in.
import { attributesOf, groupsOf, parseSettings, partOf, partText, playgroundHtml } from './playground.js';

export default function remarkAslPlayground(options = {}) {
  const { mdx, ...defaults } = options ?? {};
  // Whether the processor reads MDX is known once every plugin is attached: when it runs.
  return (tree) => {
    transform(tree, mdx ?? usesMdx(this), defaults);
  };
}

export { remarkAslPlayground };

/** Whether the processor parses MDX: remark-mdx adds mdast-util-mdx-jsx's from-markdown extension. */
function usesMdx(processor) {
  const has = (ext, depth) => (Array.isArray(ext) ? depth < 4 && ext.some((e) => has(e, depth + 1)) : Boolean(ext?.enter?.mdxJsxFlowTag));
  return typeof processor?.data === 'function' && has(processor.data('fromMarkdownExtensions') ?? [], 0);
}

function transform(parent, mdx, defaults) {
  const kids = parent.children;
  if (!Array.isArray(kids)) return;
  for (const child of kids) transform(child, mdx, defaults);
  // Siblings next to each other have nothing between them but blank lines.
  const groups = groupsOf(kids.length, (i) => (kids[i].type === 'code' ? partOf(kids[i].lang) : null));
  for (const { first, last, members } of groups.reverse()) {
    const head = kids[first];
    const parts = {};
    for (const [part, i] of Object.entries(members)) parts[part] = kids[i].value;
    const attributes = attributesOf(parseSettings(`${head.lang ?? ''} ${head.meta ?? ''}`), defaults);
    const node = mdx ? jsxElement(parts, attributes) : { type: 'html', value: playgroundHtml(parts, attributes).trimEnd() };
    if (head.position && kids[last].position) node.position = { start: head.position.start, end: kids[last].position.end };
    kids.splice(first, last - first + 1, node);
  }
}

// Marked as JSX written by hand (@mdx-js/mdx's `_mdxExplicitJsx`), as the same element in an
// MDX file is: the site's MDX components (Docusaurus's code block for `pre`) are not used.
function jsxElement(parts, attributes) {
  const data = { _mdxExplicitJsx: true };
  const attribute = (name, value) => ({ type: 'mdxJsxAttribute', name, value });
  const children = [];
  for (const part of ['definition', 'input', 'mocks']) {
    if (parts[part] === undefined) continue;
    children.push({
      type: 'mdxJsxFlowElement',
      name: 'pre',
      data,
      attributes: [attribute('data-part', part)],
      children: [{ type: 'text', value: partText(parts[part]) }],
    });
  }
  // A boolean attribute is written empty (autorun=""): present, as in HTML.
  return { type: 'mdxJsxFlowElement', name: 'asl-playground', data, attributes: attributes.map(([n, v]) => attribute(n, v === true ? '' : v)), children };
}
