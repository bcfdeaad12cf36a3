// Formatting helpers shared by the panels and the model: times and JSON text (no DOM).

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * A whole number with thousands separators, as toLocaleString('en') writes it, without Intl:
 * a page's first toLocaleString builds a number format, a task of tens of ms (an embed's
 * first timeline drawing spent most of its script there).
 */
export function count(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function pretty(v) {
  if (v === undefined) return '';
  return JSON.stringify(v, null, 2);
}

/** A value that may be JSON text: parsed when it is. */
export function jsonValue(v) {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** JSON text parsed, or null when it is not JSON. */
export function parsedOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
