// The runners the action works on. It needs git on the PATH, POSIX paths, and O_NOFOLLOW to refuse
// writing a report through a symlink the checkout planted (output-files.ts): Linux and macOS runners
// have all three. Windows has no O_NOFOLLOW (the refusal would silently not happen) and checks out
// symlinks as plain files by default, so the action stops there at once rather than gate differently.

/** Why the action does not run on `platform`, in one line; undefined where it runs. */
export function unsupportedRunner(platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return undefined;
  return 'unitgate runs on Linux or macOS runners, not on Windows: use `runs-on: ubuntu-latest` (or macos-latest) for its job';
}
