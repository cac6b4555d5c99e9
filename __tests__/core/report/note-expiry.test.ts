// The expiring deviation notes as Markdown: days counted in the job summary, only the state in the
// issue (whose text must not change every day), every cell escaped, each note linked to its line.
import type { ExpiringNote } from '../../../src/core/gate/note-expiry';
import { noteExpiryTitle, renderNoteExpiryMarkdown } from '../../../src/core/report/note-expiry';

const NOTES: ExpiringNote[] = [
  {
    unit: 'deploy/api.service',
    file: 'deploy/api.service',
    line: 4,
    check: 'exposure',
    owner: '@acme/security',
    expires: '2026-02-27',
    daysLeft: -2,
  },
  { unit: 'deploy/a|b.service', file: 'deploy/a|b.service', line: 1, expires: '2026-03-01', daysLeft: 0 },
  {
    unit: 'deploy/w.service',
    file: 'deploy/w.service',
    line: 2,
    check: 'PrivateTmp',
    expires: '2026-03-02',
    daysLeft: 1,
  },
];

describe('renderNoteExpiryMarkdown', () => {
  it('lists each note with its state, escaped cells and a link to its line', () => {
    const md = renderNoteExpiryMarkdown(NOTES, {
      warningDays: 14,
      blobUrl: 'https://github.com/o/r/blob/abc/',
    });
    expect(md).toContain('## Deviation notes that expire');
    expect(md).toContain('within 14 days');
    expect(md).toContain(
      '| **expired** 2 days ago | `deploy/api.service` | `exposure` | @\u200bacme/security | 2026-02-27 | [deploy/api.service:4](https://github.com/o/r/blob/abc/deploy/api.service#L4) |',
    );
    expect(md).toContain('| expires **today** | `deploy/a\\|b.service` |');
    expect(md).toContain('[deploy/a\\|b.service:1](https://github.com/o/r/blob/abc/deploy/a%7Cb.service#L1)');
    expect(md).toContain('| expires in 1 day |');
  });

  it('states only expired or expiring for the issue', () => {
    const md = renderNoteExpiryMarkdown(NOTES, { warningDays: 14, countDays: false });
    expect(md).not.toMatch(/days? ago|expires in|today/);
    expect(md.match(/\| \*\*expired\*\* \|/g)).toHaveLength(1);
    expect(md.match(/\| expires soon \|/g)).toHaveLength(2);
  });

  it('says so in one line when nothing expires', () => {
    expect(renderNoteExpiryMarkdown([], { warningDays: 1, headingLevel: 3 })).toBe(
      '### Deviation notes that expire\n\nNo deviation note in a unit file has expired or expires within 1 day.\n',
    );
  });
});

describe('noteExpiryTitle', () => {
  it.each([
    [NOTES, 'unitgate: deviation notes 1 expired, 2 expiring soon'],
    [NOTES.slice(0, 1), 'unitgate: deviation notes 1 expired'],
    [NOTES.slice(1), 'unitgate: deviation notes 2 expiring soon'],
  ])('%#', (notes, title) => {
    expect(noteExpiryTitle(notes)).toBe(title);
  });
});
