import { ensureDeviceKey } from '../mqtt/security/deviceKey';
import { commandArgs } from './commandArgs';
import { commandConfig } from './commandConfig';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE = 'usage: vigil device-key [--config FILE]\n';

/**
 * `vigil device-key [--config FILE]`: prints this appliance's device key (made the first time)
 * and the command that enrols it on the central server. The key signs the sync batches and the
 * acks; whoever reads it can pose as this appliance to the central server, so it is shown only
 * here, to whoever may read the data directory.
 */
export async function deviceKeyCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
): Promise<number> {
  const values = commandArgs(argv, { config: { type: 'string', short: 'c' } }, USAGE, io);
  if (!values) return 2;
  const loaded = commandConfig(values.config ?? env.VIGIL_CONFIG, env);
  if (!loaded) return 2;
  const device = loaded.config.device.id;
  try {
    const { key, file, created } = ensureDeviceKey(loaded.config.data_dir, false);
    io.stdout(`device: ${device}\nkey: ${key.toString('base64url')}\n`);
    io.stdout(`${created ? 'Made' : 'Stored in'} ${file}. Enrol it on the central server with:\n`);
    io.stdout(
      `  vigil central enroll --config /etc/vigil/central.yaml --device ${device} --key ${key.toString('base64url')}\n`,
    );
    return 0;
  } catch (err) {
    io.stderr(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
