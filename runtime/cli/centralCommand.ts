import { redactUrl } from '../../base/redact';
import { buildCentralApp } from '../centralApp';
import { runDaemon } from '../daemon';
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
  const app = await buildCentralApp(config, { env });
  const logger = app.parts.logging.forModule('main');
  logger.info(
    {
      config: source,
      broker: redactUrl(config.mqtt.url),
      subscription: sharedEventsFilter(config.mqtt.topic_prefix, config.central.share_group),
      database: app.parts.databaseFile,
    },
    'vigil central starting',
  );
  return runDaemon(app, { name: 'vigil central', serves: 'API', logger, running: () => ({}) });
}
