import { parseArgs } from 'node:util';
import { adminCredentialFile, ensureAdminCredential } from '../web/auth/adminCredential';
import { commandConfig } from './commandConfig';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE = 'usage: vigil admin-password [--config FILE] [--reset]\n';

/**
 * `vigil admin-password [--config FILE] [--reset]`: creates the admin login when there is none
 * (the first-boot unit runs it) and prints the generated password — the only time it is shown.
 * With `--reset`, replaces the password; it applies to the next login, and sessions opened with
 * the old one end when vigil restarts.
 * Exit 0 on success, 2 for a bad command line or config, 1 when the file cannot be written.
 */
export async function adminPasswordCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
): Promise<number> {
  let values: { config?: string; reset?: boolean };
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { config: { type: 'string', short: 'c' }, reset: { type: 'boolean' } },
    });
    values = parsed.values;
  } catch (err) {
    io.stderr(`vigil: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  // Without a config file: the demo's, like `vigil run`, so `npm start` users can reset theirs too.
  const loaded = commandConfig(values.config ?? env.VIGIL_CONFIG, env);
  if (!loaded) return 2;
  const file = adminCredentialFile(loaded.config.data_dir);
  try {
    const password = await ensureAdminCredential(file, values.reset ?? false);
    if (password === null) {
      io.stdout(`an admin password is already set (${file}); use --reset to replace it\n`);
    } else {
      io.stdout(`Vigil admin password: ${password}\n`);
      io.stdout('Log in to the status page with it. It is shown only now; it is stored hashed.\n');
    }
    return 0;
  } catch (err) {
    io.stderr(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
