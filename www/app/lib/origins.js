// The `origin` list of frame.html: the pages that may drive the frame with postMessage.

/**
 * Read a comma-separated list of origins: {origins: [normalised], problems: [messages]}. An
 * entry is an http(s) origin, written with or without a trailing slash, in any case
 * ('https://Docs.Example.com/' is https://docs.example.com); '*' and anything else that is not
 * one origin are refused, each with a message that quotes it.
 */
export function parseOrigins(text) {
  const origins = [];
  const problems = [];
  for (const raw of String(text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === '*') {
      problems.push("origin '*' is refused: any site could drive this frame and read its results; list the origins of the pages that embed it");
      continue;
    }
    let url;
    try {
      url = new URL(entry);
    } catch {
      problems.push(`origin '${entry}' is not an origin (write it as https://example.com)`);
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      problems.push(`origin '${entry}' is not an http or https origin`);
      continue;
    }
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || /[?#]$/.test(entry)) {
      problems.push(`origin '${entry}' has more than an origin (a path, a query or a user): write ${url.origin}`);
      continue;
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return { origins, problems };
}
