import { formatIssues, loadConfig } from '../config/index';

/** `vigil check-config FILE`: 0 when valid, 2 with every problem as `path: message` otherwise. */
export function checkConfigCommand(file: string, env: NodeJS.ProcessEnv): number {
  const result = loadConfig({ file, env });
  if (result.ok) {
    process.stdout.write(`${file}: valid\n`);
    return 0;
  }
  for (const line of formatIssues(result.errors)) process.stderr.write(`${line}\n`);
  process.stderr.write(`${file}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}\n`);
  return 2;
}
