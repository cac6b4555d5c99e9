// The shipped bundles' seams: dist/index.js keeps undici out (required from dist/undici.js only behind a
// proxy) and dist/cli.js keeps the review commands out (dist/cli-review.js). A seam that breaks either
// grows every run's start-up, or fails only for the users behind a proxy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './run-action';

const dist = (name: string): string => readFileSync(path.join(REPO_ROOT, 'dist', name), 'utf8');

describe('dist/', () => {
  it('index.js requires undici from dist/undici.js on first use, and does not hold it', () => {
    const action = dist('index.js');
    expect(action).not.toMatch(/^\/\/ node_modules\/undici\//m);
    expect(action).toContain('require("./undici.js")');
    // What @actions/http-client and @actions/github take from undici is there.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const undici = require(path.join(REPO_ROOT, 'dist', 'undici.js')) as Record<string, unknown>;
    expect(typeof undici.ProxyAgent).toBe('function');
    expect(typeof undici.fetch).toBe('function');
  });

  it('cli.js requires the review commands from dist/cli-review.js, and does not hold them', () => {
    const cli = dist('cli.js');
    expect(cli).toContain('require("./cli-review.js")');
    expect(cli).not.toMatch(/^\/\/ src\/cli\/review-commands\.ts$/m);
  });
});
