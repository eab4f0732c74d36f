import { buildCentralApp } from '../central/centralApp';
import { installProcessHooks } from '../lifecycle/shutdown';
import { redactUrl } from '../mqtt/mqttConnection';
import { sharedEventsFilter } from '../mqtt/vigilTopics';
import { commandConfig } from './commandConfig';

/**
 * `vigil central`: the receiver the appliances sync to. Runs until SIGTERM/SIGINT, like `run`.
 */
export async function centralCommand(
  configFile: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const loaded = commandConfig(configFile, env);
  if (!loaded) return 2;
  const { config, source } = loaded;
  const app = buildCentralApp(config, { env });
  const logger = app.logging.forModule('main');
  logger.info(
    {
      config: source,
      broker: redactUrl(config.mqtt.url),
      subscription: sharedEventsFilter(config.mqtt.topic_prefix, config.central.share_group),
      database: app.databaseFile,
    },
    'vigil central starting',
  );
  installProcessHooks({
    shutdown: app.shutdown,
    logger,
    budgetMs: config.shutdown.timeout_seconds * 1000,
    exit: (code) => {
      app.logging.flush();
      process.exit(code);
    },
  });
  try {
    await app.runner.startAll();
  } catch (err) {
    logger.fatal({ err }, 'vigil central could not start');
    await app.shutdown.run('startup failed');
    return 1;
  }
  app.notifier.ready();
  logger.info({ address: app.web.address ?? null }, 'vigil central is running');
  return new Promise<number>(() => {});
}
