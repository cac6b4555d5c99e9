// The trend command's pieces that need no repository: the web address of a git remote, which the
// dashboard links file:line causes to.
import { remoteWebUrl } from '../../src/cli/trend-command';

describe('remoteWebUrl()', () => {
  it.each([
    ['https://github.com/o/r.git', 'https://github.com/o/r'],
    ['https://github.com/o/r', 'https://github.com/o/r'],
    ['https://x-access-token:secret@github.com/o/r.git', 'https://github.com/o/r'],
    ['git@github.com:o/r.git', 'https://github.com/o/r'],
    ['ssh://git@GitHub.com:22/o/r.git/', 'https://github.com/o/r'],
    ['https://gitlab.example.org/group/sub/r.git', 'https://gitlab.example.org/group/sub/r'],
  ])('%s → %s', (remote, web) => {
    expect(remoteWebUrl(remote)).toBe(web);
  });

  it.each([
    '',
    '/srv/git/r.git',
    'file:///srv/git/r.git',
    '../r',
    'https://github.com/o/r"><b>',
    'C:\\repos\\r',
  ])('%j has no web address', (remote) => {
    expect(remoteWebUrl(remote)).toBeUndefined();
  });
});
