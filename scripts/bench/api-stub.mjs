// A local stand-in for the GitHub API of the gate section: answers the few operations the action calls
// on a pull request and records each request (route, time, run), so that the bench can count them and
// see how far apart octokit spaces the writes.
import { createServer } from 'node:http';

/** The repository the gate section's pull request belongs to (its event and this stub agree on it). */
export const GATE_REPOSITORY = 'octo-org/services';

/**
 * A local stand-in for the few API operations the action calls on a pull request (the pull request,
 * its files, comments, check runs): enough for octokit, nothing validated (the e2e tests do that).
 */
export async function startApiStub(repo) {
  const requests = [];
  let run = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://stub');
      const route = `${req.method} ${url.pathname.replace(`/repos/${GATE_REPOSITORY}`, '')}`;
      requests.push({ route, at: performance.now(), run });
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const user = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
      if (route === 'GET /pulls/1')
        return reply(200, {
          number: 1,
          body: '',
          changed_files: repo.changedPaths.length,
          base: { sha: repo.baseSha, ref: 'main' },
          head: { sha: repo.headSha, ref: 'feature' },
          user: { login: 'octocat' },
        });
      if (route === 'GET /pulls/1/files') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const files = page === 1 ? repo.changedPaths : [];
        return reply(
          200,
          files.map((filename) => ({ filename, status: 'modified', additions: 4, deletions: 0 })),
        );
      }
      // Who may approve: the reviews, the head commit's author and committer, the description's last edit.
      if (route === 'GET /pulls/1/reviews') return reply(200, []);
      if (route.startsWith('GET /commits/') && !route.endsWith('/pulls'))
        return reply(200, {
          sha: repo.headSha,
          author: { login: 'octocat' },
          committer: { login: 'octocat' },
        });
      if (route === 'POST /graphql')
        return reply(200, {
          data: { repository: { pullRequest: { lastEditedAt: null, createdAt: '2025-01-01T00:00:00Z' } } },
        });
      if (route === 'GET /issues/1/comments') return reply(200, []);
      if (route === 'POST /issues/1/comments')
        return reply(201, { id: 1, body: '', user, created_at: new Date().toISOString() });
      if (route === 'POST /check-runs') return reply(201, { id: 1 });
      if (route === 'PATCH /check-runs/1') return reply(200, { id: 1 });
      reply(404, { message: 'Not Found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** Marks the start of the next run: requests are counted per run. */
    nextRun: () => run++,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
