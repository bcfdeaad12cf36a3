// Types of statelab/markdown-it (markdown/markdown-it.js).
import type { PlaygroundSettings } from './settings.js';

export type { PlaygroundSettings } from './settings.js';

/** What the plugin uses of a markdown-it instance. */
export interface MarkdownItLike {
  core: { ruler: { after(afterName: string, ruleName: string, fn: (state: unknown) => unknown): void } };
  renderer: { rules: object };
}

/** `md.use(aslPlayground, options)`: fences with the info string `asl` become <asl-playground> elements. */
declare function aslPlayground(md: MarkdownItLike, options?: PlaygroundSettings): void;

export default aslPlayground;
export { aslPlayground };
