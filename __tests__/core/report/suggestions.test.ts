// Review suggestions: unified diff parsing, where each suggestion is anchored, and the promise made
// to the author — applying a suggestion to the head file brings the unit back to its base score
// (checked by scoring base, head and head-with-the-suggestion with the engine).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInPolicy } from '../../../src/core/policy/load-policy';
import type { GatePolicy } from '../../../src/core/policy/policy-types';
import {
  applySuggestion,
  parsePatch,
  planSuggestions,
  SUGGESTION_MARKER,
  type ReviewSuggestion,
} from '../../../src/core/report/suggestions';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { evaluateGate } from '../../../src/core/gate/evaluate-gate';
import { systemdRelease } from '../../../src/core/security/versions';
import { runGatePipeline } from '../../../src/io/gate-pipeline';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unitgate-suggest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The `patch` field GitHub serves for a file: `git diff` from the first hunk header on. */
function patchOf(before: string, after: string): string {
  writeFileSync(join(dir, 'a'), before);
  writeFileSync(join(dir, 'b'), after);
  const r = spawnSync('git', ['diff', '--no-index', '--no-color', '-U3', 'a', 'b'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const out = r.stdout;
  const at = out.indexOf('@@');
  return at < 0 ? '' : out.slice(at).replace(/\n$/, '');
}

type Files = Record<string, string>;

function policyWith(profileName?: string): GatePolicy {
  const policy = builtInPolicy();
  if (profileName) policy.defaultProfile = profileName;
  return policy;
}

/** Runs the gate on two in-memory trees and plans suggestions from the real patches. */
function gate(base: Files, head: Files, profile?: string) {
  const policy = policyWith(profile);
  const paths = [...new Set([...Object.keys(base), ...Object.keys(head)])];
  const changed = paths
    .filter((p) => base[p] !== head[p])
    .map((p) => ({
      path: p,
      status: (base[p] === undefined ? 'added' : head[p] === undefined ? 'removed' : 'modified') as
        'added' | 'removed' | 'modified',
    }));
  const { verdict, scope } = runGatePipeline({
    head: { tree: memoryTree(head), paths: Object.keys(head) },
    base: { tree: memoryTree(base), paths: Object.keys(base) },
    changed,
    policy,
    approvals: [],
    today: '2025-06-01',
    messages: [],
  });
  const patches = new Map<string, string>();
  for (const c of changed) {
    if (head[c.path] !== undefined) patches.set(c.path, patchOf(base[c.path] ?? '', head[c.path] as string));
  }
  const suggestions = planSuggestions(verdict, scope, patches);
  return { verdict, scope, patches, suggestions, policy };
}

/** Head files with every suggestion applied (bottom-up per file, so line numbers stay valid). */
function applyAll(head: Files, suggestions: readonly ReviewSuggestion[]): Files {
  const out = { ...head };
  const sorted = [...suggestions].sort((a, b) => b.line - a.line);
  for (const s of sorted) out[s.path] = applySuggestion(out[s.path] as string, s);
  return out;
}

function exposureOf(files: Files, unitPath: string, profile?: string): number {
  const policy = policyWith(profile);
  const { verdict } = runGatePipeline({
    head: { tree: memoryTree(files), paths: Object.keys(files) },
    policy,
    approvals: [],
    today: '2025-06-01',
    messages: [],
  });
  const u = verdict.units.find((x) => x.path === unitPath);
  if (!u?.head) throw new Error(`${unitPath} was not scored: ${u?.note}`);
  return u.head.exposure;
}

/** The text of the suggestion block in a body. */
function suggestionBlock(body: string): string {
  const m = /(`{3,})suggestion\n([\s\S]*?)\n\1/.exec(body);
  if (!m) throw new Error(`no suggestion block in:\n${body}`);
  return m[2] as string;
}

const UNIT = [
  '[Unit]',
  'Description=API',
  '',
  '[Service]',
  'ExecStart=/usr/bin/api',
  'User=api',
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'PrivateTmp=yes',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged @resources',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

const without = (text: string, ...lines: string[]): string =>
  text
    .split('\n')
    .filter((l) => !lines.includes(l))
    .join('\n');

describe('parsePatch()', () => {
  it('numbers both sides of each hunk', () => {
    const hunks = parsePatch(
      '@@ -1,4 +1,4 @@\n [Service]\n-ProtectSystem=strict\n+ProtectSystem=full\n ExecStart=/bin/a\n' +
        ' User=a\n@@ -10 +10,2 @@\n x=1\n+y=2\n\\ No newline at end of file',
    );
    expect(hunks).toEqual([
      {
        oldStart: 1,
        oldLines: 4,
        newStart: 1,
        newLines: 4,
        lines: [
          { kind: 'context', text: '[Service]', oldLine: 1, newLine: 1 },
          { kind: 'removed', text: 'ProtectSystem=strict', oldLine: 2 },
          { kind: 'added', text: 'ProtectSystem=full', newLine: 2 },
          { kind: 'context', text: 'ExecStart=/bin/a', oldLine: 3, newLine: 3 },
          { kind: 'context', text: 'User=a', oldLine: 4, newLine: 4 },
        ],
      },
      {
        oldStart: 10,
        oldLines: 1,
        newStart: 10,
        newLines: 2,
        lines: [
          { kind: 'context', text: 'x=1', oldLine: 10, newLine: 10 },
          { kind: 'added', text: 'y=2', newLine: 11 },
        ],
      },
    ]);
  });

  it('counts a blank context line that lost its space, and ignores text after the counts', () => {
    const hunks = parsePatch('@@ -1,3 +1,2 @@\n a\n\n-b\ntrailing garbage');
    expect(hunks[0]?.lines).toEqual([
      { kind: 'context', text: 'a', oldLine: 1, newLine: 1 },
      { kind: 'context', text: '', oldLine: 2, newLine: 2 },
      { kind: 'removed', text: 'b', oldLine: 3 },
    ]);
  });

  it('reads a new file and an empty patch', () => {
    expect(parsePatch('@@ -0,0 +1,2 @@\n+[Service]\n+ExecStart=/bin/a')[0]?.lines).toEqual([
      { kind: 'added', text: '[Service]', newLine: 1 },
      { kind: 'added', text: 'ExecStart=/bin/a', newLine: 2 },
    ]);
    expect(parsePatch('')).toEqual([]);
  });
});

describe('applySuggestion()', () => {
  it.each([
    [{ line: 2, replacement: ['b', 'B'] }, 'a\nb\nB\nc'],
    [{ line: 3, startLine: 2, replacement: ['x'] }, 'a\nx'],
    [{ line: 1, replacement: [] }, 'b\nc'],
  ])('%j', (s, expected) => {
    expect(applySuggestion('a\nb\nc', s)).toBe(expected);
  });
});

describe('planSuggestions(): restoring removed lines', () => {
  it('anchors on the line before a removed directive and restores the base score', () => {
    const head = { 'units/api.service': without(UNIT, 'ProtectSystem=strict') };
    const base = { 'units/api.service': UNIT };
    const { verdict, suggestions } = gate(base, head);
    expect(verdict.result).toBe('fail');
    const change = verdict.units[0]?.changes.find((c) => c.jsonField === 'ProtectSystem');
    expect(change?.removed).toEqual([
      {
        key: 'ProtectSystem',
        assignment: 'ProtectSystem=strict',
        // A removed line is cited at base, with the head place it belonged to (the [Service] header).
        location: {
          file: 'units/api.service',
          line: 8,
          column: 1,
          side: 'base',
          headAnchor: { file: 'units/api.service', line: 4, column: 1 },
        },
      },
    ]);
    expect(change?.location).toMatchObject({ file: 'units/api.service', line: 8, side: 'base' });
    expect(suggestions).toHaveLength(1);
    const s = suggestions[0] as ReviewSuggestion;
    expect(s).toMatchObject({
      path: 'units/api.service',
      line: 7,
      side: 'RIGHT',
      replacement: ['NoNewPrivileges=yes', 'ProtectSystem=strict'],
    });
    expect(s.startLine).toBeUndefined();
    expect(s.body.startsWith(SUGGESTION_MARKER)).toBe(true);
    expect(s.body).toContain('restore it:\n\n- `ProtectSystem=strict`');
    expect(suggestionBlock(s.body)).toBe('NoNewPrivileges=yes\nProtectSystem=strict');
    const fixed = applyAll(head, suggestions);
    expect(fixed['units/api.service']).toBe(UNIT);
    expect(exposureOf(fixed, 'units/api.service')).toBe(verdict.units[0]?.base?.exposure);
  });

  it('restores several removed lines of one run in one suggestion', () => {
    const head = { 'units/api.service': without(UNIT, 'ProtectSystem=strict', 'PrivateTmp=yes') };
    const { verdict, suggestions } = gate({ 'units/api.service': UNIT }, head);
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]?.replacement).toEqual([
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'PrivateTmp=yes',
    ]);
    const fixed = applyAll(head, suggestions);
    expect(exposureOf(fixed, 'units/api.service')).toBe(verdict.units[0]?.base?.exposure);
  });

  it('replaces a weakened value instead of adding a line that would be overridden', () => {
    const head = { 'units/api.service': UNIT.replace('ProtectSystem=strict', 'ProtectSystem=full') };
    const { verdict, suggestions } = gate({ 'units/api.service': UNIT }, head);
    expect(suggestions).toEqual([
      expect.objectContaining({ path: 'units/api.service', line: 8, replacement: ['ProtectSystem=strict'] }),
    ]);
    expect(suggestions[0]?.startLine).toBeUndefined();
    const fixed = applyAll(head, suggestions);
    expect(fixed['units/api.service']).toBe(UNIT);
    expect(exposureOf(fixed, 'units/api.service')).toBe(verdict.units[0]?.base?.exposure);
  });

  it('restores one line of a list directive (SystemCallFilter=~…) and keeps the other', () => {
    const head = { 'units/api.service': without(UNIT, 'SystemCallFilter=~@privileged @resources') };
    const { verdict, suggestions } = gate({ 'units/api.service': UNIT }, head);
    expect(suggestions.map((s) => s.replacement)).toEqual([
      ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
    ]);
    const fixed = applyAll(head, suggestions);
    expect(exposureOf(fixed, 'units/api.service')).toBe(verdict.units[0]?.base?.exposure);
  });

  it('restores a line removed from a drop-in, where the issue says: override.conf:3', () => {
    const dropIn = '[Service]\nPrivateDevices=yes\nProtectSystem=strict\nProtectHome=yes\n';
    const main = without(UNIT, 'ProtectSystem=strict');
    const base = {
      'deploy/api.service': main,
      'deploy/api.service.d/override.conf': dropIn,
    };
    const head = { ...base, 'deploy/api.service.d/override.conf': without(dropIn, 'ProtectSystem=strict') };
    const { verdict, suggestions } = gate(base, head);
    const change = verdict.units[0]?.changes.find((c) => c.jsonField === 'ProtectSystem');
    expect(change?.removed?.[0]?.location).toEqual({
      file: 'deploy/api.service.d/override.conf',
      line: 3,
      column: 1,
      side: 'base',
      headAnchor: { file: 'deploy/api.service.d/override.conf', line: 1, column: 1 },
    });
    expect(suggestions).toEqual([
      expect.objectContaining({
        path: 'deploy/api.service.d/override.conf',
        line: 2,
        replacement: ['PrivateDevices=yes', 'ProtectSystem=strict'],
      }),
    ]);
    const fixed = applyAll(head, suggestions);
    expect(exposureOf(fixed, 'deploy/api.service')).toBe(verdict.units[0]?.base?.exposure);
  });

  it('anchors on the line before the run, or after its new lines when the run opens the hunk', () => {
    const dropIn = '[Service]\nProtectSystem=strict\nPrivateTmp=yes\n';
    const base = { 'a.service': '[Service]\nExecStart=/bin/a\n', 'a.service.d/x.conf': dropIn };
    const head = { ...base, 'a.service.d/x.conf': '[Service]\nPrivateTmp=yes\n' };
    expect(gate(base, head).suggestions).toEqual([
      expect.objectContaining({
        path: 'a.service.d/x.conf',
        line: 1,
        replacement: ['[Service]', 'ProtectSystem=strict'],
      }),
    ]);
    // The header itself changed (a trailing blank), so the run starts at line 1.
    const opened = { ...base, 'a.service.d/x.conf': '[Service] \nPrivateTmp=yes\n' };
    const r = gate(base, opened);
    expect(r.suggestions).toEqual([
      expect.objectContaining({ line: 1, replacement: ['[Service] ', 'ProtectSystem=strict'] }),
    ]);
    expect(exposureOf(applyAll(opened, r.suggestions), 'a.service')).toBe(r.verdict.units[0]?.base?.exposure);
  });

  it('offers nothing when a later drop-in would still override the restored line', () => {
    const main = UNIT;
    const base = { 'units/api.service': main };
    const head = {
      'units/api.service': without(main, 'ProtectSystem=strict'),
      // Not part of the diff's hunks for the main file, and it wins over the main file.
      'units/api.service.d/zz.conf': '[Service]\nProtectSystem=no\n',
    };
    const { suggestions } = gate(base, head);
    expect(suggestions.filter((s) => s.path === 'units/api.service')).toEqual([]);
  });

  it('offers nothing for an accepted regression, a deleted drop-in, or a unit that got better', () => {
    const note =
      '# unitgate-deviation: check=ProtectSystem reason="migration" owner=@alice expires=2025-07-01';
    const noted = gate(
      { 'units/api.service': UNIT },
      { 'units/api.service': `${note}\n${without(UNIT, 'ProtectSystem=strict')}` },
    );
    // The same scope judged with an owner's approval of the head commit.
    noted.policy.deviations.owners = ['@alice'];
    const verdict = evaluateGate({
      policy: noted.policy,
      systemd: systemdRelease(noted.policy.systemdVersion),
      units: noted.scope,
      approvals: [
        { login: 'alice', teams: [], state: 'APPROVED', commitId: 'h1', submittedAt: '2025-06-01T10:00:00Z' },
      ],
      author: 'mallory',
      headCommitAuthors: ['mallory'],
      headSha: 'h1',
      today: '2025-06-01',
    });
    expect(verdict.units[0]?.status).toBe('accepted');
    expect(planSuggestions(verdict, noted.scope, noted.patches)).toEqual([]);

    const dropIn = '[Service]\nProtectSystem=strict\n';
    const deleted = gate(
      { 'u.service': without(UNIT, 'ProtectSystem=strict'), 'u.service.d/x.conf': dropIn },
      { 'u.service': without(UNIT, 'ProtectSystem=strict') },
    );
    expect(deleted.verdict.result).toBe('fail');
    expect(deleted.suggestions).toEqual([]);

    const better = gate(
      { 'units/api.service': without(UNIT, 'PrivateTmp=yes') },
      { 'units/api.service': UNIT },
    );
    expect(better.suggestions).toEqual([]);
  });
});

describe('planSuggestions(): required directives', () => {
  const bare = '[Unit]\nDescription=new\n\n[Service]\nExecStart=/usr/bin/api\nUser=api\n';

  it('adds the missing directives of the profile under the [Service] header of a new unit', () => {
    const { verdict, suggestions } = gate({}, { 'units/new.service': bare }, 'api-service');
    const missing = verdict.units[0]?.violations.filter((v) => v.kind === 'missing-directive') ?? [];
    expect(missing.length).toBeGreaterThan(5);
    expect(suggestions).toHaveLength(1);
    const s = suggestions[0] as ReviewSuggestion;
    expect(s).toMatchObject({ path: 'units/new.service', line: 4 });
    expect(s.replacement[0]).toBe('[Service]');
    expect(s.replacement.slice(1)).toEqual(
      expect.arrayContaining(['NoNewPrivileges=yes', 'ProtectSystem=strict']),
    );
    expect(s.body).toContain('the `api-service` profile requires these settings');
    const fixed = applyAll({ 'units/new.service': bare }, suggestions);
    const after = gate({}, fixed, 'api-service').verdict.units[0];
    expect(after?.violations.filter((v) => v.kind === 'missing-directive')).toEqual([]);
  });

  it('does not suggest a requirement twice when restoring the removed line meets it', () => {
    const { suggestions } = gate(
      { 'units/api.service': UNIT },
      { 'units/api.service': without(UNIT, 'ProtectSystem=strict') },
      'api-service',
    );
    const lines = suggestions.flatMap((s) => s.replacement);
    expect(lines.filter((l) => l === 'ProtectSystem=strict')).toHaveLength(1);
  });

  it('stays silent when the [Service] header is outside every hunk', () => {
    const long = bare + Array.from({ length: 20 }, (_, i) => `Environment=X${i}=1`).join('\n') + '\n';
    const { suggestions } = gate(
      { 'units/new.service': long },
      { 'units/new.service': long + 'Environment=LAST=1\n' },
      'api-service',
    );
    expect(suggestions).toEqual([]);
  });
});

describe('planSuggestions(): limits and hostile text', () => {
  it('caps the number of suggestions and never overlaps two', () => {
    const base: Files = {};
    const head: Files = {};
    for (let i = 0; i < 30; i++) {
      base[`units/s${i}.service`] = UNIT;
      head[`units/s${i}.service`] = without(UNIT, 'ProtectSystem=strict');
    }
    const { suggestions, verdict, scope, patches } = gate(base, head);
    expect(suggestions).toHaveLength(20);
    expect(planSuggestions(verdict, scope, patches, { max: 3 })).toHaveLength(3);
  });

  it('renders unit names inert and fences the block past any backticks in the file', () => {
    const unit = UNIT.replace(
      'Description=API',
      'Description=@everyone <img src=x onerror=alert(1)>',
    ).replace('NoNewPrivileges=yes', 'Environment="Y=```"\nNoNewPrivileges=yes');
    const path = 'units/x@everyone.service';
    const { suggestions } = gate({ [path]: unit }, { [path]: without(unit, 'NoNewPrivileges=yes') });
    expect(suggestions).toHaveLength(1);
    const body = (suggestions[0] as ReviewSuggestion).body;
    // The unit name only ever appears inside a code span, where GitHub links no mention.
    expect(body.replace(/`[^`\n]*`/g, '')).not.toContain('@');
    expect(body).toContain('`x@everyone.service`');
    expect(body).toContain('````suggestion\nEnvironment="Y=```"\nNoNewPrivileges=yes\n````');
  });
});
