import { devicesFile, enrollDevice } from '../central/deviceKeys';
import { commandArgs } from './commandArgs';
import { commandConfig } from './commandConfig';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE = 'usage: vigil central enroll [--config FILE] --device ID --key KEY\n';
const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * `vigil central enroll --device ID --key KEY`: lets the central server take the batches of one
 * appliance (the key as `vigil device-key` prints it on the appliance). Enrolling a device again
 * replaces its key and starts its sequence over (for a central database restored from a backup).
 * The central server reads the file again when the device next sends, no restart needed.
 */
export async function centralEnrollCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
): Promise<number> {
  const values = commandArgs(
    argv,
    { config: { type: 'string', short: 'c' }, device: { type: 'string' }, key: { type: 'string' } },
    USAGE,
    io,
  );
  if (!values) return 2;
  if (!values.device || !DEVICE_ID.test(values.device) || !values.key) {
    io.stderr(`vigil: --device (an appliance's device.id) and --key are required\n${USAGE}`);
    return 2;
  }
  const loaded = commandConfig(values.config ?? env.VIGIL_CONFIG, env);
  if (!loaded) return 2;
  try {
    enrollDevice(loaded.config.data_dir, values.device, values.key);
  } catch (err) {
    io.stderr(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  io.stdout(`enrolled '${values.device}' in ${devicesFile(loaded.config.data_dir)}\n`);
  return 0;
}
