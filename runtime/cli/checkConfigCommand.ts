import { formatIssues, loadConfig } from '../config/load';

/** `vigil check-config FILE`: 0 when valid, 2 with every problem as `path: message` otherwise. */
export function checkConfigCommand(file: string, env: NodeJS.ProcessEnv): number {
  const result = loadConfig({ file, env });
  if (result.ok) {
    process.stdout.write(`${file}: valid\n`);
    return 0;
  }
  for (const line of formatIssues(result.issues)) process.stderr.write(`${line}\n`);
  process.stderr.write(`${file}: ${result.issues.length} error${result.issues.length === 1 ? '' : 's'}\n`);
  return 2;
}
