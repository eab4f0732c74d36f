/**
 * Prints the package.json of the arm64 staging directory the image builder installs Vigil's
 * run-time packages into: every package build.ts leaves out of the bundle, pinned to the version
 * installed here (the one the tests ran against). `tsx image/runtimePackages.ts [natives]`
 * prints the native modules (built from source for arm64) one per line instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTERNAL_PACKAGES, NATIVE_MODULES } from '../build';

const ROOT = join(import.meta.dirname, '..');

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The external names with wildcards (`@tensorflow/*`) expanded against package.json's dependencies. */
export function externalPackageNames(): string[] {
  const declared = Object.keys(readPackage(ROOT).dependencies ?? {});
  const names = EXTERNAL_PACKAGES.flatMap((pattern) =>
    pattern.endsWith('/*') ? declared.filter((name) => name.startsWith(pattern.slice(0, -1))) : [pattern],
  );
  return [...new Set(names)].sort();
}

/** `{ name: exact installed version }` for every external package. */
export function runtimeDependencies(): Record<string, string> {
  return Object.fromEntries(
    externalPackageNames().map((name) => [name, readPackage(join(ROOT, 'node_modules', name)).version]),
  );
}

if (process.argv[2] === 'natives') {
  process.stdout.write(`${NATIVE_MODULES.join('\n')}\n`);
} else {
  const staging = {
    name: 'vigil-runtime-arm64',
    private: true,
    description: 'Run-time packages of the Vigil bundle, installed for linux/arm64 by image/build.sh',
    dependencies: runtimeDependencies(),
  };
  process.stdout.write(`${JSON.stringify(staging, null, 2)}\n`);
}
