import { buildApp } from '../app';
import { installProcessHooks } from '../lifecycle/shutdown';
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
  const { logging } = app.context;
  const logger = logging.forModule('main');
  logger.info(
    { version: app.context.version, config: source, board: app.context.board.model },
    'vigil starting',
  );
  if (!configFile)
    logger.warn({ data_dir: config.data_dir }, 'no --config given: running the embedded demo configuration');
  if (config.http.enabled && !config.http.auth.enabled)
    logger.warn('http.auth.enabled is false: the API is open to anyone on the network');

  installProcessHooks({
    shutdown: app.shutdown,
    logger,
    budgetMs: config.shutdown.timeout_seconds * 1000,
    exit: (code) => {
      logging.flush();
      process.exit(code);
    },
  });

  try {
    await app.runner.startAll();
  } catch (err) {
    logger.fatal({ err }, 'vigil could not start');
    await app.shutdown.run('startup failed');
    return 1;
  }
  app.notifier.ready();
  logger.info(
    { address: app.context.web.address ?? null, device: config.device.id },
    `vigil is running${app.context.web.address ? `: status page on ${app.context.web.address.replace('0.0.0.0', 'localhost')}` : ''}`,
  );
  // From here the process lives until SIGTERM/SIGINT runs the graceful shutdown, which exits.
  return new Promise<number>(() => {});
}
