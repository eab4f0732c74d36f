import { buildApp } from '../app';
import { runDaemon } from '../daemon';
import { commandConfig } from './commandConfig';

/**
 * `vigil run`: load and validate the config (refusing to start on any error), build the app,
 * start its services in order, tell systemd we are ready, then live until a signal ends us.
 */
export async function runCommand(configFile: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = commandConfig(configFile, env);
  if (!loaded) return 2;
  const { config, source } = loaded;

  const app = await buildApp(config, { env });
  const logger = app.parts.logging.forModule('main');
  logger.info({ version: app.parts.version, config: source, board: app.parts.board.model }, 'vigil starting');
  if (!configFile)
    logger.warn({ data_dir: config.data_dir }, 'no --config given: running the embedded demo configuration');
  if (config.http.enabled && !config.http.auth.enabled)
    logger.warn('http.auth.enabled is false: the API is open to anyone on the network');
  return runDaemon(app, {
    name: 'vigil',
    serves: 'status page',
    logger,
    running: () => ({ device: config.device.id }),
  });
}
