import {
  JOB_SUMMARY_DEFAULT_MAX_BYTES,
  JOB_SUMMARY_LIMIT_BYTES,
  renderJobSummary,
} from '../../../src/core/report/job-summary';
import { renderPullRequestComment } from '../../../src/core/report/pr-comment';
import type { GateVerdict } from '../../../src/core/gate/gate-types';
import {
  ACCEPTED,
  CLEAN,
  FAILING,
  HOSTILE,
  HOSTILE_TEXT,
  manyViolations,
  note,
  unit,
  verdict,
  violation,
} from './report-fixtures';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The Markdown with fenced blocks and code spans removed: what GitHub would render as markup. */
function outsideCode(md: string): string {
  return md
    .replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2$/gm, '')
    .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** Table rows of the first table, split on unescaped pipes. */
function firstTableCells(md: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Unit |'));
  const rows: string[][] = [];
  for (let i = start; i < lines.length && (lines[i] as string).startsWith('|'); i++) {
    rows.push((lines[i] as string).split(/(?<!\\)\|/));
  }
  return rows;
}

describe('renderJobSummary()', () => {
  it('a clean verdict: headline and table, no details', () => {
    const md = renderJobSummary(CLEAN);
    expect(md).toMatch(/^## ✅ unitgate: hardening gate passed\n/);
    expect(md).toContain('mode `enforce` · systemd 252 · highest exposure **4.2 OK** · 1 unit checked');
    expect(md).toContain('| `units/api.service` | web | 2.1 OK → 4.2 OK | +2.1 | 5.0 | ✅ pass |');
    expect(md).not.toContain('<details>');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('a failing verdict: failing units, their fixes to paste and why the score moved', () => {
    const md = renderJobSummary(FAILING);
    expect(md).toMatch(/^## ❌ unitgate: hardening gate failed — 2 units of 2\n/);
    expect(md).toContain('highest exposure **9.6 UNSAFE**');
    expect(md).toContain(
      '| `units/worker.service` | web | 8.3 EXPOSED → 9.6 UNSAFE | +1.3 | 5.0 | ❌ fail — 2 violations |',
    );
    expect(md).toContain(
      '- **Hardening regressed: PrivateTmp** at `units/worker.service.d/override.conf:3` — worker.service: PrivateTmp= got worse: `PrivateTmp=yes` removed',
    );
    // The gate set no fix on the row regression; the summary still shows one.
    expect(md).toContain('  ```ini\n  ProtectSystem=strict\n  ```');
    expect(md).toContain('#### Why it moved');
    expect(md).toContain(
      '| `PrivateTmp=` | `PrivateTmp=yes` removed | +0.2 | `units/worker.service.d/override.conf:3` |',
    );
    expect(md).toContain(
      '#### All fixes for `worker.service`\n\n```ini\nProtectSystem=strict\nPrivateTmp=yes\n```',
    );
  });

  it('accepted deviations stay visible, with owner and expiry', () => {
    const md = renderJobSummary(ACCEPTED);
    expect(md).toContain(
      '| ✅ pass<br>⚠️ accepted: PrivateNetwork — owner @\u200balice, expires 2030-01-31 |',
    );
    expect(md).toContain('#### Accepted deviations');
    expect(md).toContain(
      'owner @\u200balice, expires 2030-01-31, ticket SEC-42; reason: talks to the database (noted in the PR description)',
    );
    expect(md).toContain('1 unit with accepted deviations');
  });

  it.each<[string, GateVerdict, string]>([
    ['a new unit', verdict({ units: [unit({ base: undefined })] }), '| new → 4.2 OK | — |'],
    [
      'a deleted unit',
      verdict({ units: [unit({ head: undefined, status: 'deleted' })] }),
      '| 2.1 OK → — | — | 5.0 | 🗑️ deleted |',
    ],
    [
      'an exposure drop',
      verdict({ units: [unit({ head: { exposure: 11, level: 'OK', badness: {} } })] }),
      '| −1.0 |',
    ],
    [
      'no change',
      verdict({ units: [unit({ head: { exposure: 21, level: 'OK', badness: {} } })] }),
      '| ±0.0 |',
    ],
    [
      'an excluded unit',
      verdict({ units: [unit({ status: 'excluded', note: 'vendored' })] }),
      '⏭️ excluded: vendored |',
    ],
    [
      'a unit that fails to load',
      verdict({ units: [unit({ status: 'error', note: 'no ExecStart=' })] }),
      '💥 error: no ExecStart= |',
    ],
    [
      'a renamed unit',
      verdict({ units: [unit({ previousPath: 'old/api.service' })] }),
      '| `units/api.service` (was `old/api.service`) |',
    ],
    [
      'advisory findings',
      verdict({ units: [unit({ violations: [violation({ advisory: true })] })] }),
      '✅ pass (1 advisory) |',
    ],
    [
      'report mode',
      verdict({ mode: 'report', units: [unit({ violations: [violation({ advisory: true })] })] }),
      'mode `report` (never fails)',
    ],
    [
      'a pass with findings',
      verdict({ mode: 'report', units: [unit({ violations: [violation({ advisory: true })] })] }),
      '## ⚠️ unitgate: hardening gate passed with 1 finding',
    ],
    ['no unit scored', verdict({ units: [] }), 'no unit scored · 0 units checked'],
    [
      'messages',
      verdict({ messages: ['Fell back to `HEAD~1`.'] }),
      '### Messages\n\n- Fell back to `HEAD~1`.',
    ],
    [
      'invalid deviation notes',
      verdict({
        notes: [
          note({
            problems: ['expired on 2020-01-01'],
            location: { file: 'units/api.service', line: 3, column: 1 },
          }),
        ],
      }),
      '### Invalid deviation notes\n\n- `units/api.service:3`: note for `units/api.service` (`PrivateNetwork`) — expired on 2020-01-01',
    ],
  ])('%s', (_name, v, expected) => {
    expect(renderJobSummary(v)).toContain(expected);
  });

  it('says how many findings the runner could not show as annotations', () => {
    expect(renderJobSummary(CLEAN, { omittedAnnotations: 12 })).toContain(
      '- 12 findings could not be shown as annotations (the runner shows 10 per level); all of them are listed here, in the check run and in the reports.',
    );
    expect(renderJobSummary(CLEAN, { omittedAnnotations: 0 })).not.toContain('could not be shown');
  });

  it('links locations when given the blob URL of the head commit', () => {
    const md = renderJobSummary(FAILING, { blobUrl: 'https://github.com/o/r/blob/abc123/' });
    expect(md).toContain('[`units/api.service:7`](https://github.com/o/r/blob/abc123/units/api.service#L7)');
  });

  it('orders failing units first', () => {
    const md = renderJobSummary(
      verdict({
        units: [
          unit({ path: 'a.service', status: 'pass' }),
          unit({ path: 'b.service', status: 'fail', violations: [violation()] }),
          unit({ path: 'c.service', status: 'excluded' }),
          unit({ path: 'd.service', status: 'error' }),
        ],
      }),
    );
    const rows = firstTableCells(md)
      .slice(2)
      .map((r) => r[1]?.trim());
    expect(rows).toEqual(['`d.service`', '`b.service`', '`a.service`', '`c.service`']);
  });

  describe('with hostile text from a unit file or PR body', () => {
    const md = renderJobSummary(HOSTILE, { omittedAnnotations: 1 });

    it('injects no HTML: only the tags the summary writes itself', () => {
      const tags = outsideCode(md).match(/<[^>]*>/g) ?? [];
      expect([...new Set(tags)].sort()).toEqual([
        '</code>',
        '</details>',
        '</summary>',
        '<br>',
        '<code>',
        '<details>',
        '<summary>',
      ]);
    });

    it('notifies nobody: every @ outside code is neutralised', () => {
      expect(outsideCode(md)).not.toMatch(/@(?!\u200b)/);
    });

    it('makes no links or images from unit text', () => {
      expect(outsideCode(md)).not.toMatch(/(?<!\\)\]\(/);
    });

    it('keeps the table shape: six cells per row', () => {
      for (const cells of firstTableCells(md)) expect(cells).toHaveLength(8);
    });

    it('fences the pasted directives longer than any backtick run inside', () => {
      expect(md).toContain('  ````ini\n  ExecStart=/bin/echo ``` @everyone\n  ````');
    });

    it('still shows the text', () => {
      expect(md).toContain('\\](javascript:alert(1))');
      expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(HOSTILE_TEXT).toContain('<img');
    });
  });

  describe('size', () => {
    const huge = verdict({
      units: Array.from({ length: 400 }, (_, i) => ({
        ...manyViolations(60, { message: `unit ${i}: ${'x'.repeat(300)} — ProtectSystem= got worse` }),
        path: `units/u${String(i).padStart(3, '0')}.service`,
        unitId: `u${i}.service`,
      })),
    });

    it('stays under 1 MiB by default, keeping the headline and the whole table', () => {
      const md = renderJobSummary(huge);
      expect(bytes(md)).toBeLessThanOrEqual(JOB_SUMMARY_DEFAULT_MAX_BYTES);
      expect(JOB_SUMMARY_DEFAULT_MAX_BYTES).toBeLessThan(JOB_SUMMARY_LIMIT_BYTES);
      expect(md).toMatch(/^## ❌ unitgate: hardening gate failed — 400 units of 400\n/);
      expect(firstTableCells(md)).toHaveLength(402);
      expect(md).toMatch(
        /_Details of \d+ units omitted to keep this summary under 1 MiB; the JSON report and SARIF have every finding\._/,
      );
      const shown = (md.match(/<details>/g) ?? []).length;
      const omitted = Number(/Details of (\d+) units omitted/.exec(md)?.[1]);
      expect(shown + omitted).toBe(400);
      expect(shown).toBeGreaterThan(0);
    });

    it.each([5_000, 20_000, 100_000])('respects maxBytes = %i', (maxBytes) => {
      const md = renderJobSummary(huge, { maxBytes });
      expect(bytes(md)).toBeLessThanOrEqual(maxBytes);
      expect(md).toMatch(/^## ❌ unitgate/);
    });

    it('cuts table rows only when the table alone is over the cap, and says so', () => {
      const md = renderJobSummary(huge, { maxBytes: 5_000 });
      expect(md).toMatch(/_\d+ more units are not shown: the summary is limited to 1 MiB\./);
    });

    it('lists at most maxViolationsPerUnit findings per unit', () => {
      const md = renderJobSummary(verdict({ units: [manyViolations(30)] }), { maxViolationsPerUnit: 5 });
      expect(md).toContain('- … and 25 more (see the JSON report)');
    });
  });
});

describe('run findings', () => {
  const withRun = {
    ...CLEAN,
    result: 'fail' as const,
    runFindings: [
      {
        kind: 'policy-loosened' as const,
        level: 'error' as const,
        message:
          'This change loosens .github/unitgate.json; it needs an approving review from @acme/security.\nprofiles.api.threshold: 3.5 → 9.9 (looser)',
      },
      { kind: 'input-loosens-policy' as const, level: 'warning' as const, message: 'mode: report ignored' },
    ],
  };

  it('come first, under the headline, with their data as a block and mentions neutralised', () => {
    const md = renderJobSummary(withRun);
    expect(md).toContain('❌ unitgate: hardening gate failed — 1 problem with this run');
    expect(md.indexOf('### This run')).toBeLessThan(md.indexOf('| Unit |'));
    expect(md).toContain('- ❌ **Policy loosened** — ');
    expect(md).toContain('```\nprofiles.api.threshold: 3.5 → 9.9 (looser)\n```');
    expect(md).not.toMatch(/(^|[^`\w])@acme\/security/);
    expect(md).toContain('- ⚠️ **Workflow input ignored** — mode: report ignored');
  });

  it('are in the pull request comment too', () => {
    expect(renderPullRequestComment(withRun)).toContain('**Policy loosened**');
  });
});
