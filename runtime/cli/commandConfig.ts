import { type Config, DEMO_CONFIG_YAML, formatIssues, loadConfig } from '../config/index';

/**
 * The config of a long-running command (`run`, `central`): the file given, else the embedded
 * demo. On errors, prints every one as `path: message` and returns null (the caller exits 2).
 */
export function commandConfig(
  configFile: string | undefined,
  env: NodeJS.ProcessEnv,
): { config: Config; source: string } | null {
  const source = configFile ?? 'embedded demo config';
  const result = configFile
    ? loadConfig({ file: configFile, env })
    : loadConfig({ text: DEMO_CONFIG_YAML, env });
  if (result.ok) return { config: result.config, source };
  for (const line of formatIssues(result.errors)) process.stderr.write(`${line}\n`);
  process.stderr.write(`vigil: not starting: ${result.errors.length} error(s) in ${source}\n`);
  return null;
}
