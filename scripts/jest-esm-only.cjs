// Lets jest load the GitHub toolkit in process. @actions/* and @octokit/* ship only ES modules, which
// jest's CommonJS runtime cannot require: the resolver picks their `import` entry points, and the
// transform compiles those files (and only those) to CommonJS with esbuild. The in-process gate
// scenarios then talk to the fake GitHub through the same octokit the action bundles.
const { transformSync } = require('esbuild');

/** Packages (and their ESM-only dependencies) that have no CommonJS entry point. */
const ESM_ONLY = [
  '@actions',
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'bottleneck',
  'fast-content-type-parse',
  'json-with-bigint',
  'content-type',
];
const REQUEST = new RegExp(`^(${ESM_ONLY.map((p) => p.replace('/', '\\/')).join('|')})(/|$)`);

/** jest `resolver`: the `import` condition for ESM-only packages, jest's own resolution otherwise. */
function resolve(request, options) {
  if (REQUEST.test(request))
    return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
  return options.defaultResolver(request, options);
}

/** jest `transform` for those packages' files: ES module syntax to CommonJS. */
const transformer = {
  process(source, filename) {
    const out = transformSync(source, {
      loader: 'js',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
    });
    return { code: out.code };
  },
};

module.exports = { resolve, transformer, ESM_ONLY };
