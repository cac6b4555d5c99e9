// The error for what a user configured wrongly (an input, a policy file, a path): reported plainly with
// exit status 2 by the action and the CLI alike, never as an internal error.

/** A configuration or usage error: reported plainly, exit status 2. */
export class ConfigError extends Error {}
