// Format, for the editors' button and Shift+Alt+F (panels/editors.js): the JSON of an editor
// pretty-printed as one edit that Ctrl-Z takes back. Only the space between tokens changes
// (../model/jsontext.js), so keys keep their order, strings and numbers stay as written, and
// so do the marks on what the user typed; text that is not JSON is left as it is.
import { formatChanges } from '../model/jsontext.js';

const NAMES = { definition: 'The definition', input: 'The input', mocks: 'The mocks' };

/** Format the editor `view` (`which` editor, its syntax 'json' or 'yaml'): null, or why nothing changed. */
export function formatEditor(view, which, syntax) {
  const name = NAMES[which] || 'The text';
  if (syntax === 'yaml') return `${name} is YAML: Format pretty-prints JSON only, nothing was changed.`;
  let changes;
  try {
    changes = formatChanges(view.state.doc.toString());
  } catch (e) {
    return `${name} is not valid JSON, nothing was changed: ${e.message}`;
  }
  if (changes.length) view.dispatch({ changes, userEvent: 'format', scrollIntoView: true });
  return null;
}
