// Types of statelab/remark (markdown/remark.js).
import type { PlaygroundSettings } from './settings.js';

export type { PlaygroundSettings } from './settings.js';

export interface RemarkAslPlaygroundOptions extends PlaygroundSettings {
  /** Write MDX JSX (true) or an HTML node (false); by default MDX when the processor uses remark-mdx. */
  mdx?: boolean;
}

/** The mdast tree the plugin transforms (what it needs of mdast's Root). */
export interface MdastRoot {
  type: 'root';
  children: unknown[];
}

/** A unified plugin: `.use(remarkAslPlayground, options)` turns `asl` fences into <asl-playground> elements. */
declare function remarkAslPlayground(options?: RemarkAslPlaygroundOptions | null): (tree: MdastRoot) => undefined;

export default remarkAslPlayground;
export { remarkAslPlayground };
