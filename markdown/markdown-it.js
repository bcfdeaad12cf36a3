// statelab/markdown-it: a markdown-it plugin that makes a fence with the info string `asl` a
// live <asl-playground> (statelab/embed), with the `asl-input` and `asl-mocks` fences right
// after it as its input and mocks (see playground.js for the rules).
//
//   import MarkdownIt from 'markdown-it';
//   import aslPlayground from 'statelab/markdown-it';
//   const md = new MarkdownIt().use(aslPlayground, { theme: 'dark' });
//
// options: the settings every playground gets unless its info string says otherwise (view,
// theme, autorun, speed, title, playground). Uses nothing of markdown-it but the instance it
// is given: a core rule after block parsing turns each group of fence tokens into one
// `asl_playground` token, which its renderer rule writes as HTML.
import { attributesOf, groupsOf, parseSettings, partOf, playgroundHtml } from './playground.js';

export default function aslPlayground(md, options = {}) {
  const defaults = options ?? {};
  md.core.ruler.after('block', 'asl_playground', (state) => {
    const tokens = state.tokens;
    // Tokens next to each other in the stream are blocks with nothing between them but blank
    // lines: a fence is a leaf, so a container's open or close token stands between two
    // fences that are not siblings.
    const groups = groupsOf(tokens.length, (i) => (tokens[i].type === 'fence' ? partOf(tokens[i].info) : null));
    for (const { first, last, members } of groups.reverse()) {
      const head = tokens[first];
      const token = new state.Token('asl_playground', 'asl-playground', 0);
      token.block = true;
      token.level = head.level;
      token.map = head.map && tokens[last].map ? [head.map[0], tokens[last].map[1]] : head.map;
      token.markup = head.markup;
      token.info = head.info;
      const parts = {};
      for (const [part, i] of Object.entries(members)) parts[part] = tokens[i].content;
      // The info string as markdown-it's own fence renderer reads it: backslash escapes and
      // character references decoded (remark's meta comes decoded).
      const info = md.utils?.unescapeAll ? md.utils.unescapeAll(head.info) : head.info;
      token.meta = { parts, attributes: attributesOf(parseSettings(info), defaults) };
      tokens.splice(first, last - first + 1, token);
    }
  });
  md.renderer.rules.asl_playground = (tokens, idx) => playgroundHtml(tokens[idx].meta.parts, tokens[idx].meta.attributes);
}

export { aslPlayground };
