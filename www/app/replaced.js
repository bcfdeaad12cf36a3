// The mocks of a definition replaced by another workflow (work.js: they named some states of
// the one before and name none of the new one's). Loaded when that happens.
import { canonical, recordAfter } from './model/generated.js';
import { toast } from './state.js';
import { allStates } from './model/asl.js';
import { parsedOrNull } from './lib/format.js';

/**
 * After the definition `last.parsed` was replaced by `parsed` with the mocks unchanged: if
 * the mocks (short form) named states of the one before and name none of the new one's, they
 * were another workflow's. All untouched (generated: work.generated, or as the gallery example
 * the work came from, `last.example`, has them), they are made again from the new definition
 * at once, marked generated; mocks the user edited stay theirs, and replacing them is offered.
 */
export async function replaced({ store, setTexts, complete, exampleFiles, last, parsed }) {
  const mocks = parsedOrNull(last.mocks);
  if (!mocks || typeof mocks !== 'object' || Array.isArray(mocks) || 'MockedResponses' in mocks || 'StateMachines' in mocks) return;
  const names = Object.keys(mocks).filter((k) => k !== '*' && k !== 'Files');
  const states = allStates(parsed).map((x) => x.name);
  const was = allStates(last.parsed).map((x) => x.name);
  if (!names.length || names.some((n) => states.includes(n)) || !names.some((n) => was.includes(n))) return;
  const example = last.example;
  const g = store.get().work.generated;
  let given = {};
  try {
    if (example) given = JSON.parse((await exampleFiles(example))[2]);
  } catch {}
  const untouched = (n) => (Object.hasOwn(g.mocks, n) && canonical(mocks[n]) === g.mocks[n]) || (Object.hasOwn(given, n) && canonical(mocks[n]) === canonical(given[n]));
  const text = last.mocks;
  const replace = async () => {
    const now = store.get();
    if (now.definition.parsed !== parsed || now.work.mocks !== text) return;
    const kept = Object.fromEntries(Object.entries(mocks).filter(([k]) => !names.includes(k)));
    setTexts({
      mocks: `${JSON.stringify(kept, null, 2)}\n`,
      generated: recordAfter(now.work.generated, { input: false }, { mocks: {} }, { hash: now.work.generated.mocksFor, inputText: now.work.input, mocks: kept }),
    });
    const { mocks: made } = await complete({ parsed, text: now.definition.text, wantInput: false });
    const what = made.length ? `: mocks for ${made.join(', ')} were made from this definition, marked generated (edit them to make them yours)` : '';
    toast(store, `The mocks were for another workflow (${names.join(', ')})${what}.`);
  };
  if (names.every(untouched)) return replace();
  toast(store, `The mocks are for states this definition does not have (${names.join(', ')}): they are yours, so they stay.`, false, {
    actions: [{ label: 'Replace them with mocks made from this definition', run: () => replace().catch((e) => toast(store, e.message, true)) }],
  });
}
