#!/usr/bin/env node
// Cuts a release on the current branch: runs the checks, bumps the version (package.json is the one
// source; src/version.ts reads it), rebuilds dist/ so the bundles carry that version, moves the
// CHANGELOG's Unreleased entries under the new version, updates the pins in the README and the
// pre-commit hook, commits, tags vX.Y.Z and moves the major tag vX. It never pushes: it prints the
// commands that publish the release, so that a person looks at the commit before anything leaves.
//
//   npm run release -- X.Y.Z [--skip-tests] [--date YYYY-MM-DD] [--step-command CMD]
//
//   --skip-tests        leave `npm test` out of the checks (it is the slow one; CI runs it anyway)
//   --date YYYY-MM-DD   the CHANGELOG entry's date (default: today, UTC)
//   --step-command CMD  run `CMD STEP` through the shell instead of each check and the bundle, STEP
//                       being one of the step names below; this script's own test stubs them with it
//
// Exit status: 0 released, 1 a check or git failed (the working tree is reset to HEAD when the
// release had started to change it), 2 refused (bad arguments, dirty tree, version not greater,
// nothing under Unreleased).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The checks, in the order CI runs them, then the bundle that is rebuilt after the version bump. */
export const CHECKS = [
  { step: 'build', command: ['npm', 'run', 'build'] },
  { step: 'lint', command: ['npm', 'run', 'lint'] },
  { step: 'check-dist', command: ['npm', 'run', 'check-dist'] },
  { step: 'docs', command: ['node', 'scripts/generate-docs.mjs', '--check'] },
  { step: 'validators', command: ['node', 'scripts/generate-validators.mjs', '--check'] },
  { step: 'systemd-data', command: ['node', 'scripts/generate-systemd-data.mjs', '--check'] },
  { step: 'test', command: ['npm', 'test'] },
];
export const BUNDLE = { step: 'bundle', command: ['npm', 'run', 'bundle'] };

/** Files whose pins of the action (`unitgate/unitgate@vN`) and of the hook (`rev: vX.Y.Z`) follow releases. */
export const PINNED_FILES = ['README.md', '.pre-commit-hooks.yaml'];

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)$/;

class Refusal extends Error {}

/** `[major, minor, patch]` of `X.Y.Z` (a leading `v` is accepted), or undefined. */
export function parseVersion(text) {
  const match = VERSION.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function isGreater(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/** The repository's web address from package.json's `repository`, for the CHANGELOG's compare links. */
export function repositoryUrl(pkg) {
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (typeof raw !== 'string' || raw === '') return undefined;
  return raw
    .replace(/^git\+/, '')
    .replace(/^github:/, 'https://github.com/')
    .replace(/\.git$/, '');
}

const UNRELEASED_HEADING = /^## \[Unreleased\][^\n]*\n/im;
const NEXT_HEADING = /^## \[/m;

/**
 * The CHANGELOG with the Unreleased entries under `## [version] - date` and the compare links
 * updated (Keep a Changelog's layout). Throws a Refusal when there is no Unreleased section or no
 * entry in it: a release that says nothing about what changed helps nobody adopt it.
 */
export function releaseChangelog(text, { version, previous, date, url }) {
  const heading = UNRELEASED_HEADING.exec(text);
  if (!heading) throw new Refusal('CHANGELOG.md has no "## [Unreleased]" section');
  const bodyStart = heading.index + heading[0].length;
  const next = NEXT_HEADING.exec(text.slice(bodyStart));
  const bodyEnd = next ? bodyStart + next.index : text.length;
  let body = text.slice(bodyStart, bodyEnd);
  // The link definitions at the end of the file are not entries (when Unreleased is the last section).
  const links = /^\[[^\]]+\]: /m.exec(body);
  const tail = links ? body.slice(links.index) : '';
  if (links) body = body.slice(0, links.index);
  if (!/^\s*[-*] \S/m.test(body)) {
    throw new Refusal('CHANGELOG.md: nothing under "## [Unreleased]": add the changes of this release first');
  }
  const entry = `## [Unreleased]\n\n## [${version}] - ${date}\n\n${body.trim()}\n\n`;
  let result = text.slice(0, heading.index) + entry + tail + text.slice(bodyEnd);

  const unreleasedLink = `[Unreleased]: ${url}/compare/v${version}...HEAD`;
  const versionLink = `[${version}]: ${url}/compare/v${previous}...v${version}`;
  const existing = /^\[Unreleased\]: [^\n]*$/im;
  if (existing.test(result)) result = result.replace(existing, `${unreleasedLink}\n${versionLink}`);
  else result = `${result.replace(/\n*$/, '\n')}\n${unreleasedLink}\n${versionLink}\n`;
  return result;
}

/**
 * A file's pins moved to `version`: `unitgate/unitgate@vN` (the major tag) to the new major,
 * `unitgate/unitgate@vX.Y.Z` and `rev: vX.Y.Z` to the new tag. Pins by commit SHA are left alone.
 */
export function updatePins(text, version) {
  const [major] = parseVersion(version);
  return text
    .replace(/(unitgate\/unitgate@)v\d+\.\d+\.\d+\b/g, `$1v${version}`)
    .replace(/(unitgate\/unitgate@)v\d+(?![.\d])/g, `$1v${major}`)
    .replace(/(\brev:\s*['"]?)v\d+\.\d+\.\d+\b/g, `$1v${version}`);
}

/** package.json with its `"version"` replaced in place (the rest of the file keeps its bytes). */
function bumpPackageJson(text, version) {
  const bumped = text.replace(/^(\s*"version":\s*")[^"]*(")/m, `$1${version}$2`);
  if (bumped === text) throw new Error('package.json: no "version" line to bump');
  return bumped;
}

/** package-lock.json with the root package's version bumped, written as npm writes it. */
function bumpLockfile(text, version) {
  const lock = JSON.parse(text);
  lock.version = version;
  if (lock.packages?.['']) lock.packages[''].version = version;
  return `${JSON.stringify(lock, null, 2)}\n`;
}

function parseArgs(argv) {
  const options = { skipTests: false, date: undefined, stepCommand: undefined, version: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Refusal(`${name} needs a value`);
      return next;
    };
    if (name === '--skip-tests') options.skipTests = true;
    else if (name === '--date') options.date = value();
    else if (name === '--step-command') options.stepCommand = value();
    else if (name === '--help' || name === '-h') options.help = true;
    else if (name.startsWith('-')) throw new Refusal(`unknown option ${name} (see --help)`);
    else if (options.version !== undefined) throw new Refusal(`one version only, not also ${arg}`);
    else options.version = arg;
  }
  if (options.help) return options;
  if (options.version === undefined) throw new Refusal('which version? usage: npm run release -- X.Y.Z');
  if (!parseVersion(options.version)) {
    throw new Refusal(`"${options.version}" is not a version: give MAJOR.MINOR.PATCH, e.g. 1.2.3`);
  }
  options.version = options.version.replace(/^v/, '');
  if (options.date !== undefined && !isCalendarDay(options.date)) {
    throw new Refusal(`--date ${options.date}: give a real day as YYYY-MM-DD`);
  }
  return options;
}

function isCalendarDay(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

function git(root, args) {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (result.error) throw new Error(`git ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) {
    const reason = (result.stderr || result.stdout).trim().split('\n')[0] ?? '';
    throw new Error(`git ${args.join(' ')} failed: ${reason}`);
  }
  return result.stdout;
}

/** Runs one step with its output shown; false when it failed. */
function runStep(root, { step, command }, stepCommand) {
  console.log(`\nrelease: ${step}`);
  const result =
    stepCommand !== undefined
      ? spawnSync(`${stepCommand} ${step}`, { cwd: root, stdio: 'inherit', shell: true })
      : spawnSync(command[0], command.slice(1), { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

const HELP = `usage: npm run release -- X.Y.Z [--skip-tests] [--date YYYY-MM-DD] [--step-command CMD]
Checks, bumps package.json, rebuilds dist/, dates the CHANGELOG's Unreleased entries, updates the pins,
commits and tags vX.Y.Z (and moves vX). Never pushes. See the top of scripts/release.mjs.`;

export function release(argv, cwd = process.cwd()) {
  const options = parseArgs(argv);
  if (options.help) {
    console.log(HELP);
    return;
  }
  const root = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  const { version } = options;
  const tag = `v${version}`;
  const majorTag = `v${parseVersion(version)[0]}`;

  const dirty = git(root, ['status', '--porcelain']).split('\n').filter(Boolean);
  if (dirty.length > 0) {
    const shown = dirty.slice(0, 5).map((line) => line.trim());
    const more = dirty.length > shown.length ? ` and ${dirty.length - shown.length} more` : '';
    throw new Refusal(`the working tree is not clean (${shown.join(', ')}${more}): commit or stash first`);
  }
  const read = (file) => readFileSync(path.join(root, file), 'utf8');
  const packageText = read('package.json');
  const pkg = JSON.parse(packageText);
  const previous = pkg.version;
  if (!parseVersion(previous ?? '')) throw new Refusal(`package.json's version "${previous}" is not X.Y.Z`);
  if (!isGreater(parseVersion(version), parseVersion(previous))) {
    throw new Refusal(`${version} is not greater than the current version ${previous}`);
  }
  if (git(root, ['tag', '--list', tag]).trim() !== '') throw new Refusal(`the tag ${tag} exists already`);
  const url = repositoryUrl(pkg);
  if (url === undefined) throw new Refusal('package.json has no "repository" for the compare links');
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  // Everything that can refuse is decided before the slow checks run and before any file changes.
  const changelog = releaseChangelog(read('CHANGELOG.md'), { version, previous, date, url });

  for (const check of CHECKS) {
    if (check.step === 'test' && options.skipTests) continue;
    if (!runStep(root, check, options.stepCommand)) {
      throw new Error(`the ${check.step} check failed (${check.command.join(' ')}); nothing was changed`);
    }
  }

  try {
    writeFileSync(path.join(root, 'package.json'), bumpPackageJson(packageText, version));
    writeFileSync(path.join(root, 'package-lock.json'), bumpLockfile(read('package-lock.json'), version));
    // After the bump: the bundles embed the version (--version, reports, SARIF).
    if (!runStep(root, BUNDLE, options.stepCommand))
      throw new Error('rebuilding dist/ failed (npm run bundle)');
    writeFileSync(path.join(root, 'CHANGELOG.md'), changelog);
    for (const file of PINNED_FILES) writeFileSync(path.join(root, file), updatePins(read(file), version));
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', `Release ${tag}`]);
  } catch (error) {
    // The tree was clean when the release started, so this only drops the release's own changes.
    git(root, ['reset', '-q', '--hard', 'HEAD']);
    git(root, ['clean', '-fdq']);
    throw new Error(`${error instanceof Error ? error.message : error}; the working tree is back at HEAD`, {
      cause: error,
    });
  }
  git(root, ['tag', '-a', tag, '-m', `unitgate ${tag}`]);
  git(root, ['tag', '-f', '-a', majorTag, '-m', `unitgate ${majorTag}: points at ${tag}`]);

  console.log(`\nrelease: committed "Release ${tag}", tagged ${tag} and moved ${majorTag} to it.`);
  console.log('Nothing was pushed. Look at the commit (git show --stat), then publish it:');
  console.log('  git push origin HEAD');
  console.log(`  git push origin ${tag}`);
  console.log(`  git push --force origin ${majorTag}`);
  console.log(`  npm publish   # the CLI; then a GitHub release from ${tag} with its CHANGELOG entry`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    release(process.argv.slice(2));
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : error}`);
    process.exit(error instanceof Refusal ? 2 : 1);
  }
}
