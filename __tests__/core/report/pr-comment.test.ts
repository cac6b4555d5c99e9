// The sticky pull request comment: marker first, the per-unit table, "why it moved" with links,
// accepted deviations with owner and expiry, the trend, inert hostile text, and the size cap.
import {
  GITHUB_COMMENT_LIMIT,
  renderPullRequestComment,
  renderResolvedComment,
  STICKY_MARKER,
} from '../../../src/core/report/pr-comment';
import type { UnitResult } from '../../../src/core/gate/gate-types';
import {
  ACCEPTED,
  CLEAN,
  FAILING,
  HOSTILE,
  HOSTILE_TEXT,
  change,
  note,
  unit,
  verdict,
  violation,
} from './report-fixtures';

const BASE_BLOB = 'https://github.com/o/r/blob/fedcba9876543210fedcba9876543210fedcba98/';
const BLOB = 'https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/';
const RUN = 'https://github.com/o/r/actions/runs/42';

/** GitHub counts characters (code points). */
const chars = (s: string): number => [...s].length;

/**
 * The Markdown with fenced blocks, code spans and link destinations removed: what GitHub would render
 * as markup or text (a destination is a URL, where no mention is linked).
 */
function outsideCode(md: string): string {
  return md
    .replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2$/gm, '')
    .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
    .replace(/\]\(https:\/\/[^)\s]*\)/g, ']');
}

describe('renderPullRequestComment()', () => {
  it('starts with the hidden marker, then the headline and the table', () => {
    const md = renderPullRequestComment(CLEAN, { runUrl: RUN, blobUrl: BLOB });
    expect(STICKY_MARKER).toMatch(/^<!-- unitgate:sticky v1 -->$/);
    expect(md.startsWith(`${STICKY_MARKER}\n## ✅ unitgate: hardening gate passed\n`)).toBe(true);
    expect(md).toContain('| Unit | Profile | Exposure (base → head) | Δ | Threshold | Verdict |');
    expect(md).toContain('| `units/api.service` | web | 2.1 OK → 4.2 OK | +2.1 | 5.0 | ✅ pass |');
    expect(md).not.toContain('<details');
    expect(md).toContain(`[the job summary of this run](${RUN})`);
    expect(md.match(/<!-- unitgate:sticky/g)).toHaveLength(1);
  });

  it('explains why each failing unit moved, linked to the file and line at head', () => {
    const md = renderPullRequestComment(FAILING, { blobUrl: BLOB });
    expect(md).toMatch(
      /^<!-- unitgate:sticky v1 -->\n## ❌ unitgate: hardening gate failed — 2 units of 2\n/,
    );
    expect(md).toContain(
      '| `units/worker.service` | web | 8.3 EXPOSED → 9.6 UNSAFE | +1.3 | 5.0 | ❌ fail — 2 violations |',
    );
    // Two units with details: both open.
    expect(md).toContain(
      '<details open><summary>❌ <code>units/worker.service</code> · 8.3 → 9.6 (+1.3) — 1 row change, 2 violations</summary>',
    );
    expect(md).toContain(
      `- \`PrivateTmp=yes\` removed at [\`units/worker.service.d/override.conf:3\`](${BLOB}units/worker.service.d/override.conf#L3) → +0.2 (\`PrivateTmp=\`)`,
    );
    expect(md).toContain('**Violations**');
    expect(md).toContain('```ini\n  ProtectSystem=strict\n  ```');
  });

  it('cites a removed line at base and links the base commit, never the head blob (8.12)', () => {
    const at = {
      file: 'deploy/api.service.d/override.conf',
      line: 3,
      column: 1,
      side: 'base' as const,
      headAnchor: { file: 'deploy/api.service.d/override.conf', line: 1, column: 1 },
    };
    const moved = change({
      summary: '`ProtectSystem=strict` removed',
      delta: 9,
      location: at,
      removed: [{ key: 'ProtectSystem', assignment: 'ProtectSystem=strict', location: at }],
    });
    const v = verdict({ units: [unit({ changes: [moved] })] });
    const md = renderPullRequestComment(v, { blobUrl: BLOB, baseBlobUrl: BASE_BLOB });
    expect(md).toContain(
      `- \`ProtectSystem=strict\` removed in [\`deploy/api.service.d/override.conf:3\`](${BASE_BLOB}deploy/api.service.d/override.conf#L3) (base) → +0.9`,
    );
    expect(md).not.toContain(`${BLOB}deploy/api.service.d/override.conf#L3`);
    // Without a base link the line is named, marked as base, and not linked at head.
    const headOnly = renderPullRequestComment(v, { blobUrl: BLOB });
    expect(headOnly).toContain(
      '- `ProtectSystem=strict` removed in `deploy/api.service.d/override.conf:3` (base) → +0.9',
    );
    expect(headOnly).not.toContain('override.conf#L3');
  });

  it('shows an improvement with a minus sign', () => {
    const better = unit({
      base: { exposure: 42, level: 'OK', badness: {} },
      head: { exposure: 39, level: 'OK', badness: {} },
      changes: [change({ summary: '`PrivateTmp=yes` added', delta: -3, baseBadness: 1, headBadness: 0 })],
    });
    const md = renderPullRequestComment(verdict({ units: [better] }));
    expect(md).toContain('| 4.2 OK → 3.9 OK | −0.3 |');
    expect(md).toContain('`PrivateTmp=yes` added at `units/api.service:7` → −0.3');
  });

  it('shows accepted deviations with owner and expiry, mentions neutralised', () => {
    const md = renderPullRequestComment(ACCEPTED);
    expect(md).toContain('✅ pass<br>⚠️ accepted: PrivateNetwork — owner @\u200balice, expires 2030-01-31 |');
    expect(md).toContain('**Accepted deviations**');
    expect(outsideCode(md)).not.toMatch(/@(?!\u200b)/);
  });

  it('puts the trend after the table, collapsed, with mentions neutralised', () => {
    const trend =
      '| Unit | v1.0 | v1.1 |\n|---|---|---|\n| `api.service` | 4.2 | 3.1 |\n\n```mermaid\nxychart-beta\n```';
    const md = renderPullRequestComment(FAILING, { trendMarkdown: `${trend}\n@team` });
    const at = md.indexOf('<details><summary>📈 Trend across releases</summary>');
    expect(at).toBeGreaterThan(md.indexOf('| `units/api.service` |'));
    expect(at).toBeLessThan(md.indexOf('<details open>'));
    expect(md).toContain(trend);
    expect(md).toContain('@\u200bteam');
  });

  it('renders hostile unit names, descriptions, paths and PR-body notes inert', () => {
    const md = renderPullRequestComment(HOSTILE, { blobUrl: BLOB, runUrl: RUN });
    const markup = outsideCode(md);
    expect(markup).not.toMatch(/@(?!\u200b)/);
    expect(markup).not.toMatch(/<(?!\/?(details|summary|code|br|sub)\b|!-- unitgate:sticky v1 -->)/);
    expect(markup).not.toMatch(/(?<!\\)\]\(javascript/);
    expect(markup).not.toContain('<img');
    expect(markup).not.toContain('<script');
    expect(markup).not.toContain('<b>');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(markup.match(/<!-- unitgate/g)).toHaveLength(1);
  });

  it('a unit whose Description is `@everyone <img src=x onerror=alert(1)>` renders inert everywhere', () => {
    const description = '@everyone <img src=x onerror=alert(1)>';
    const v = verdict({
      units: [
        unit({
          path: 'units/@everyone <img src=x onerror=alert(1)>.service',
          unitId: `${description}.service`,
          status: 'fail',
          note: description,
          violations: [
            violation({
              message: `x.service: Description=${description}`,
              location: { file: 'units/@everyone <img src=x onerror=alert(1)>.service', line: 7, column: 1 },
            }),
          ],
          changes: [change({ summary: `\`Description=${description}\` changed`, name: description })],
        }),
      ],
      notes: [note({ unit: description, problems: [description] })],
      messages: [description],
    });
    const md = renderPullRequestComment(v, { blobUrl: BLOB });
    expect(outsideCode(md)).not.toMatch(/@(?!\u200b)/);
    expect(outsideCode(md)).not.toMatch(/<img/);
    // Inside link targets the path is percent-encoded.
    expect(md).toContain('units/@everyone%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.service#L7');
  });

  it('forged markers and closing tags in unit text cannot end the comment structure', () => {
    const forged = `${STICKY_MARKER} </details></summary> <!--`;
    const md = renderPullRequestComment(
      verdict({
        units: [
          unit({
            path: forged,
            status: 'fail',
            violations: [violation({ message: forged })],
            changes: [change({ summary: forged })],
          }),
        ],
      }),
    );
    const markup = outsideCode(md);
    expect(markup.match(/<!--/g)).toHaveLength(1);
    expect(markup.match(/<\/details>/g)).toHaveLength(markup.match(/<details/g)?.length ?? 0);
    expect(md.startsWith(STICKY_MARKER)).toBe(true);
  });

  it('keeps 300 units with long paths and many changes under the limit, failing units and headline first', () => {
    const units: UnitResult[] = Array.from({ length: 300 }, (_, i) => {
      const path = `deploy/${'very-long-directory-name/'.repeat(6)}service-${String(i).padStart(3, '0')}.service`;
      return unit({
        path,
        unitId: `service-${i}.service`,
        status: i % 3 === 0 ? 'fail' : 'pass',
        violations:
          i % 3 === 0
            ? Array.from({ length: 15 }, (_, j) =>
                violation({ check: `Row${j}`, message: `m${j} ${HOSTILE_TEXT}` }),
              )
            : [],
        changes: Array.from({ length: 40 }, (_, j) =>
          change({
            jsonField: `Row${j}`,
            name: `Row${j}=`,
            summary: `\`Row${j}=yes\` removed`,
            location: { file: `${path}.d/override-${j}.conf`, line: j + 1, column: 1 },
          }),
        ),
      });
    });
    const v = verdict({ units });
    const md = renderPullRequestComment(v, { blobUrl: BLOB, runUrl: RUN, trendMarkdown: 'x'.repeat(5000) });
    expect(chars(md)).toBeLessThanOrEqual(60000);
    expect(chars(md)).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(
      md.startsWith(`${STICKY_MARKER}\n## ❌ unitgate: hardening gate failed — 100 units of 300\n`),
    ).toBe(true);
    expect(md).toMatch(
      /_\d+ more units \(failing units come first\) are listed in \[the job summary of this run\]/,
    );
    expect(md).toMatch(/_Details of \d+ units are cut to fit this comment; see \[the job summary/);
    // The failing units' rows come first.
    const firstRow = md.split('\n').find((l) => l.startsWith('| `deploy/'));
    expect(firstRow).toContain('❌ fail');
    // Balanced details: nothing was cut inside a block.
    expect(md.match(/<\/details>/g)?.length).toBe(md.match(/<details/g)?.length);

    for (const maxChars of [65536, 20000, 5000, 2000, 300]) {
      const small = renderPullRequestComment(v, { maxChars, runUrl: RUN });
      expect(chars(small)).toBeLessThanOrEqual(maxChars);
      expect(small.startsWith(`${STICKY_MARKER}\n## ❌ unitgate: hardening gate failed`)).toBe(true);
    }
  });

  it('counts characters as GitHub does (emoji are one character)', () => {
    const v = verdict({
      units: Array.from({ length: 400 }, (_, i) => unit({ path: `units/${'🔒'.repeat(100)}-${i}.service` })),
    });
    const md = renderPullRequestComment(v, { maxChars: 65536 });
    expect(chars(md)).toBeLessThanOrEqual(65536);
    expect(md.length).toBeGreaterThan(65536); // UTF-16 units: would be cut too early if counted so
  });
});

describe('renderResolvedComment()', () => {
  it('keeps the marker and says the findings are resolved', () => {
    const md = renderResolvedComment({ runUrl: RUN });
    expect(md.startsWith(`${STICKY_MARKER}\n## ✅ unitgate: nothing to check any more\n`)).toBe(true);
    expect(md).toContain('earlier findings are resolved');
    expect(md).toContain(`[latest run](${RUN})`);
  });
});
