// The performance floors the project holds itself to, each measured by one section in the same run and
// repeated at the end of the report. They size the performance machinery: what no floor needs is not
// worth its code (a pull request scores about twenty units). The sizes are the options' defaults
// (--units 2000, --gate-changed 20, --trend-units 200, --trend-tags 20).
export const FLOORS = [
  { id: 'engine', section: 'engine', about: 'engine in process (load + derive + assess)', min: 50000 },
  {
    id: 'security-json',
    section: 'security',
    about: '`unitgate security --json=short` ÷ systemd-analyze',
    min: 2.5,
  },
  {
    id: 'security-table',
    section: 'security',
    about: '`unitgate security` (table) ÷ systemd-analyze',
    min: 2.5,
  },
  { id: 'rss', section: 'security', about: 'peak RSS of `unitgate security` on all units', maxMiB: 150 },
  {
    id: 'gate',
    section: 'gate',
    about: '20-unit pull request through dist/index.js, no API, no trend',
    maxMs: 500,
  },
  {
    id: 'gate-trend',
    section: 'gate',
    about: '20-unit pull request through dist/index.js, no API, with the trend',
    maxMs: 1000,
  },
  { id: 'trend', section: 'trend', about: '`unitgate trend`, 200 units × 20 tags', maxMs: 1000 },
];

/** The floor of that id (a typo in a section is a bug of the bench: it throws). */
export function floor(id) {
  const f = FLOORS.find((x) => x.id === id);
  if (!f) throw new Error(`no floor ${id}`);
  return f;
}
