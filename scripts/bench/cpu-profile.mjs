// The hottest functions of a V8 CPU profile (.cpuprofile, as node --cpu-prof writes it), named by the
// src/ module of the esbuild bundle they come from: printed when a section misses its goal.
import { readFileSync } from 'node:fs';

/** The top functions of a .cpuprofile by self and by total time, with the src/ module they come from. */
export function hotFunctions(profileFile, bundleFile, top = 12) {
  const prof = JSON.parse(readFileSync(profileFile, 'utf8'));
  // esbuild (not minified) starts each module of a bundle with a `// path/to/module.ts` line.
  const moduleAt = [];
  try {
    let current = '';
    for (const line of readFileSync(bundleFile, 'utf8').split('\n')) {
      const m = /^\/\/ ((?:src|node_modules|scripts)\/\S+)$/.exec(line);
      if (m) current = m[1];
      moduleAt.push(current);
    }
  } catch {
    // bundle unreadable: no module names
  }
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const bundleName = bundleFile.split('/').at(-1);
  const key = (n) => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    if (!f.url) return name;
    if (f.url.endsWith(bundleName))
      return `${name}  ${moduleAt[f.lineNumber] || bundleName} (bundle line ${f.lineNumber + 1})`;
    return `${name}  ${f.url.replace(/^file:\/\//, '')}${f.url.startsWith('node:') ? '' : `:${f.lineNumber + 1}`}`;
  };
  const self = new Map();
  const total = new Map();
  let all = 0;
  const visit = (id, onPath) => {
    const n = byId.get(id);
    const k = key(n);
    const hits = n.hitCount ?? 0;
    all += hits;
    self.set(k, (self.get(k) ?? 0) + hits);
    const path = onPath.has(k) ? onPath : new Set(onPath).add(k);
    for (const p of path) total.set(p, (total.get(p) ?? 0) + hits);
    for (const c of n.children ?? []) visit(c, path);
  };
  visit(prof.nodes[0].id, new Set());
  const pct = (h) => `${((100 * h) / all).toFixed(1).padStart(5)}%`;
  const skip = (k) => /^\((root|program|idle)\)$/.test(k);
  const list = (m, only = () => true) =>
    [...m.entries()]
      .filter(([k, h]) => !skip(k) && only(k) && h / all >= 0.001)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, h]) => `  ${pct(h)}  ${k}`)
      .join('\n');
  const ours = (k) => / src\//.test(k) && !/ src\/cli\.ts:/.test(k);
  return `self time:\n${list(self)}\ntotal time (incl. callees), src/ functions:\n${list(total, ours)}`;
}
