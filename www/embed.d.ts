// Types of statelab/embed (www/embed.js): importing it defines <asl-playground> (in a browser;
// where there is no DOM it defines nothing).
//
//   <asl-playground view="both" theme="light" autorun speed="2" title="…" playground="/statelab/index.html">
//     <pre data-part="definition">…</pre>  (ASL as JSON, or YAML: ASL, or a CloudFormation or SAM template)
//     <pre data-part="input">…</pre>       (JSON)
//     <pre data-part="mocks">…</pre>       (JSON: the short form or a Step Functions Local mock configuration)
//   </asl-playground>
//
// Attributes: view (timeline | graph | both), theme (light | dark), autorun (runs when it
// scrolls into view), speed (virtual time per real time, default 1; a value under 0.01 or not
// a finite number is said in a note over the example, which runs at 1), title (when the
// definition has no Comment), playground (the URL of a statelab playground page for the
// "Open in playground" link; no link without it), and definition, input, mocks (JSON text,
// instead of the <pre> parts). Events: `done` (detail: the run's result).
//
// The engine runs in one Web Worker shared by the page's elements. Mocks that are JS
// functions ({"State": {"function": "async (input) => …", "latency": s}}) run in a sandboxed
// iframe made for the run, after the reader allowed their code: until then run() resolves to
// null and the element shows the code with an "Allow and run" button.
import type { Result } from './statelab.js';

export interface AslPlaygroundElement extends HTMLElement {
  /** Settles once the parts are read and drawn (or found unreadable: the element says why). */
  readonly ready: Promise<void>;
  /**
   * Run the example (again); resolves to the result, or null when it could not run (the
   * element says why), waits for the reader to allow its JS mocks, or was run again or removed.
   */
  run(): Promise<Result | null>;
  addEventListener<K extends keyof AslPlaygroundEventMap>(
    type: K,
    listener: (this: AslPlaygroundElement, ev: AslPlaygroundEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export interface AslPlaygroundEventMap extends HTMLElementEventMap {
  done: CustomEvent<Result>;
}

declare global {
  interface HTMLElementTagNameMap {
    'asl-playground': AslPlaygroundElement;
  }
}
