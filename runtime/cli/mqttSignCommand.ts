import { signCommand } from '../mqtt/commands/commandAuth';
import { commandArgs } from './commandArgs';
import { commandConfig } from './commandConfig';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE = 'usage: vigil mqtt-sign [--config FILE] --topic TOPIC --payload TEXT\n';

/**
 * `vigil mqtt-sign --topic T --payload P`: prints the command `P` signed for topic `T` with
 * `mqtt.commands.secret` (an event batch for `.../events/ingest`: with `mqtt.ingest.secret`), ready to publish within the replay window, e.g.
 * `mosquitto_pub -t vigil/porch/siren/set -m "$(vigil mqtt-sign --topic vigil/porch/siren/set --payload ON)"`.
 */
export async function mqttSignCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
): Promise<number> {
  const values = commandArgs(
    argv,
    {
      config: { type: 'string', short: 'c' },
      topic: { type: 'string', short: 't' },
      payload: { type: 'string', short: 'm' },
    },
    USAGE,
    io,
  );
  if (!values) return 2;
  if (!values.topic || values.payload === undefined) {
    io.stderr(`vigil: --topic and --payload are required\n${USAGE}`);
    return 2;
  }
  const loaded = commandConfig(values.config ?? env.VIGIL_CONFIG, env);
  if (!loaded) return 2;
  // An event batch for the ingest topic is signed with its own secret, anything else as a command.
  const ingest = values.topic.endsWith('/events/ingest');
  const setting = ingest ? 'mqtt.ingest.secret' : 'mqtt.commands.secret';
  const secret = ingest ? loaded.config.mqtt.ingest.secret : loaded.config.mqtt.commands.secret;
  if (secret === undefined) {
    io.stderr(`vigil: ${setting} is not set in the config: there is nothing to sign with\n`);
    return 2;
  }
  io.stdout(`${JSON.stringify(signCommand(values.topic, values.payload, secret))}\n`);
  return 0;
}
