import packageJson from '../package.json' with { type: 'json' };

/** The Vigil release this code is (from package.json, inlined by the bundler). */
export const VERSION: string = packageJson.version;
