// The critical path of a finished run and the slack of everything else, computed on the page
// from the spans (the same rule as the engine's exec::analysis, whose loop can cycle on two
// zero-length states at one instant; see the report): walking back from the end, the state
// that finished last, the one it waited for before it, and through a Parallel or Map the
// branch or iteration that finished last. Every other bar has slack: how much longer it could
// have taken without moving the end. Returns spans with {critical, slackMs} added.

export function withCriticalPath(spans, endMs) {
  const lanes = new Map();
  spans.forEach((s, i) => {
    if (s.kind !== 'state') return;
    if (!lanes.has(s.lane)) lanes.set(s.lane, []);
    lanes.get(s.lane).push(i);
  });
  const endOf = (i) => spans[i].endMs ?? endMs;
  for (const v of lanes.values()) v.sort((a, b) => spans[a].startMs - spans[b].startMs || endOf(a) - endOf(b) || a - b);
  const slackOf = new Array(spans.length).fill(null);
  const critical = new Array(spans.length).fill(false);
  const childLanes = (lane, state) => {
    const prefix = lane ? `${lane}/${state}/` : `${state}/`;
    return [...lanes.keys()].filter((l) => l.startsWith(prefix) && /^\d+$/.test(l.slice(prefix.length)));
  };
  const walk = (lane, until, baseSlack, onPath, depth) => {
    const members = lanes.get(lane);
    if (!members || depth > 64) return;
    const laneEnd = Math.max(...members.map(endOf));
    const slack = baseSlack + Math.max(0, until - laneEnd);
    const chain = new Set();
    if (onPath && slack === 0) {
      // From the last span back through spans that end where the chain's next one starts;
      // members are in start order, so walking to earlier positions always ends.
      let pos = -1;
      members.forEach((i, p) => {
        if (endOf(i) === laneEnd) pos = p;
      });
      while (pos >= 0) {
        const i = members[pos];
        chain.add(i);
        const start = spans[i].startMs;
        let next = -1;
        for (let p = pos - 1; p >= 0; p--) {
          if (endOf(members[p]) === start) {
            next = p;
            break;
          }
        }
        pos = next;
      }
    }
    for (const i of members) {
      const on = chain.has(i);
      critical[i] = on;
      slackOf[i] = on ? 0 : slack;
      const children = childLanes(lane, spans[i].state).filter((l) => lanes.get(l).some((j) => spans[j].startMs >= spans[i].startMs && spans[j].startMs <= endOf(i)));
      if (!children.length) continue;
      const parentEnd = endOf(i);
      let last = null;
      let lastEnd = -Infinity;
      for (const c of children.sort()) {
        const e = Math.max(...lanes.get(c).map(endOf));
        if (e >= lastEnd) {
          lastEnd = e;
          last = c;
        }
      }
      for (const c of children) walk(c, parentEnd, slackOf[i], on && c === last, depth + 1);
    }
  };
  walk('', endMs, 0, true, 0);
  return spans.map((s, i) => {
    if (s.kind === 'state') return { ...s, critical: critical[i], slackMs: slackOf[i] ?? 0 };
    const owners = (lanes.get(s.lane) || []).filter((j) => spans[j].state === s.state && spans[j].startMs <= s.startMs && endOf(j) >= (s.endMs ?? endMs));
    const j = owners[owners.length - 1];
    return { ...s, critical: j === undefined ? false : critical[j], slackMs: j === undefined ? 0 : slackOf[j] ?? 0 };
  });
}
