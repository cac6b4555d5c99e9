// A mixed fleet's policy: `systemdVersions` beside `systemdVersion` (the primary release among them),
// refused with its JSON path when the two contradict, compared with a base policy (a release removed
// loosens, one added tightens), and the workflow's systemd-version input, which a pull request may
// use to add a release but never to replace one.
import { comparePolicies } from '../../../src/core/policy/compare-policies';
import { formatPolicyError, loadPolicy, type PolicyError } from '../../../src/core/policy/load-policy';
import type { GatePolicy } from '../../../src/core/policy/policy-types';
import { applyWorkflowInputs } from '../../../src/core/policy/workflow-inputs';

function load(doc: unknown): GatePolicy {
  const r = loadPolicy(JSON.stringify(doc, null, 2), 'unitgate.json');
  if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join('\n'));
  return r.policy;
}

function errorsOf(doc: unknown): Pick<PolicyError, 'path' | 'message'>[] {
  const r = loadPolicy(JSON.stringify(doc, null, 2), 'unitgate.json');
  if (r.ok) throw new Error('the policy loaded');
  return r.errors.map(({ path, message }) => ({ path, message }));
}

describe('systemdVersions in the policy file', () => {
  it('without it, the one release of systemdVersion (or the default) is scored', () => {
    expect(load({})).toMatchObject({ systemdVersion: 252, systemdVersions: [252] });
    expect(load({ systemdVersion: 257 })).toMatchObject({ systemdVersion: 257, systemdVersions: [257] });
  });

  it('its first item is the primary release when systemdVersion is left out; the list is kept oldest first', () => {
    expect(load({ systemdVersions: [257, 252] })).toMatchObject({
      systemdVersion: 257,
      systemdVersions: [252, 257],
    });
  });

  it('systemdVersion chooses the primary release among them', () => {
    expect(load({ systemdVersion: 257, systemdVersions: [252, 257, 262] })).toMatchObject({
      systemdVersion: 257,
      systemdVersions: [252, 257, 262],
    });
  });

  it('refuses a primary release the list does not name, at systemdVersion', () => {
    expect(errorsOf({ systemdVersion: 255, systemdVersions: [252, 257] })).toEqual([
      {
        path: '$.systemdVersion',
        message:
          'systemd 255 is not one of systemdVersions [252, 257]: add it there, or leave systemdVersion out (the first of systemdVersions is then the primary release)',
      },
    ]);
  });

  it.each([
    [{ systemdVersions: [] }, '$.systemdVersions', 'must list at least 1 item'],
    [{ systemdVersions: [252, 257, 252] }, '$.systemdVersions[2]', 'duplicate of item 0'],
    [{ systemdVersions: [252, 250] }, '$.systemdVersions[1]', 'must be one of 252, 255, 257, 262, not 250'],
    [{ systemdVersions: 257 }, '$.systemdVersions', 'must be a list ([…]), not number 257'],
  ])('refuses %j with one line naming the JSON path', (doc, path, message) => {
    expect(errorsOf(doc)).toEqual([{ path, message }]);
  });

  it('a capability must be known to every listed release, and the error names those that lack it', () => {
    const errors = errorsOf({
      systemdVersions: [252, 257],
      profiles: { api: { allowedCapabilities: ['CAP_NET_BIND_SERVCE'] } },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('$.profiles.api.allowedCapabilities[0]');
    expect(errors[0]?.message).toMatch(/^unknown capability 'CAP_NET_BIND_SERVCE' in systemd 252 and 257/);
  });
});

describe('comparing policies: the releases scored', () => {
  const base = load({ systemdVersions: [252, 257] });

  it('removing a release loosens (it scores fewer releases)', () => {
    expect(comparePolicies(base, load({ systemdVersions: [252] }))).toEqual([
      { path: 'systemdVersions', before: '[257]', after: '[]', loosens: true },
    ]);
  });

  it('adding a release tightens', () => {
    expect(comparePolicies(base, load({ systemdVersions: [252, 257, 262] }))).toEqual([
      { path: 'systemdVersions', before: '[]', after: '[262]', loosens: false },
    ]);
  });

  it('another primary among the same releases loosens nothing', () => {
    expect(comparePolicies(base, load({ systemdVersion: 257, systemdVersions: [252, 257] }))).toEqual([
      { path: 'systemdVersion', before: '252', after: '257', loosens: false },
    ]);
  });

  it('a primary no longer scored loosens, as a single release replaced always has', () => {
    expect(comparePolicies(load({}), load({ systemdVersion: 257 }))).toEqual([
      { path: 'systemdVersion', before: '252', after: '257', loosens: true },
    ]);
    expect(comparePolicies(base, load({ systemdVersions: [257] }))).toEqual([
      { path: 'systemdVersion', before: '252', after: '257', loosens: true },
      { path: 'systemdVersions', before: '[252]', after: '[]', loosens: true },
    ]);
  });

  it('a single release written either way is the same policy', () => {
    expect(comparePolicies(load({ systemdVersion: 257 }), load({ systemdVersions: [257] }))).toEqual([]);
  });
});

describe('the systemd-version input', () => {
  it('on a pull request, adds a release the policy does not score, keeping the primary', () => {
    const policy = load({ systemdVersions: [252, 257] });
    const messages: string[] = [];
    expect(applyWorkflowInputs(policy, { systemdVersion: 262 }, true, messages)).toEqual([]);
    expect(policy).toMatchObject({ systemdVersion: 252, systemdVersions: [252, 257, 262] });
    expect(messages).toEqual([
      expect.stringContaining('The workflow input systemd-version: 262 adds systemd 262'),
    ]);
  });

  it('on a pull request, changes nothing when the release is already scored', () => {
    const policy = load({ systemdVersions: [252, 257] });
    const messages: string[] = [];
    expect(applyWorkflowInputs(policy, { systemdVersion: 257 }, true, messages)).toEqual([]);
    expect(policy).toMatchObject({ systemdVersion: 252, systemdVersions: [252, 257] });
    expect(messages).toEqual([]);
  });

  it('elsewhere, the repository’s own workflow chooses the one release scored', () => {
    const policy = load({ systemdVersions: [252, 257] });
    expect(applyWorkflowInputs(policy, { systemdVersion: 257 }, false)).toEqual([]);
    expect(policy).toMatchObject({ systemdVersion: 257, systemdVersions: [257] });
  });
});
