// The settings of a playground, shared by the types of statelab/markdown-it and statelab/remark.

/**
 * What reaches <asl-playground>: as plugin options, the defaults of every playground; in a
 * fence's info string (`asl view=timeline autorun speed=2 title="My flow"`), that
 * playground's own, which win. A value the element does not accept is dropped, as is any
 * other setting.
 */
export interface PlaygroundSettings {
  view?: 'timeline' | 'graph' | 'both';
  theme?: 'light' | 'dark';
  /** Run when the example scrolls into view. */
  autorun?: boolean;
  /** Virtual time per real time (a positive number). */
  speed?: number | string;
  /** The example's name, when its definition has no Comment. */
  title?: string;
  /** The URL (http(s) or relative) of a statelab playground page, for the "Open in playground" link. */
  playground?: string;
}
