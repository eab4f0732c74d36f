import { ensureAdminCredential } from '../web/auth/adminCredential';
import { commandArgs } from './commandArgs';
import { commandConfig } from './commandConfig';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE = 'usage: vigil admin-password [--config FILE] [--reset]\n';

/**
 * `vigil admin-password [--config FILE] [--reset]`: creates the admin login when there is none
 * (the first-boot unit runs it) and prints the generated password — the only time it is shown.
 * With `--reset`, replaces the password; it applies to the next login, and every session opened
 * with the old one ends at its next request, also while vigil runs. The file belongs to the data
 * directory's owner (the user vigil runs as): run as root, it is chowned to that user; run as
 * another user, the command refuses and says whom to run it as. Works for the appliance's and the
 * central server's config alike (each keeps its login in its own data_dir).
 * Exit 0 on success, 2 for a bad command line or config, 1 when the file cannot be written.
 */
export async function adminPasswordCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
): Promise<number> {
  const values = commandArgs(
    argv,
    { config: { type: 'string', short: 'c' }, reset: { type: 'boolean' } },
    USAGE,
    io,
  );
  if (!values) return 2;
  // Without a config file: the demo's, like `vigil run`, so `npm start` users can reset theirs too.
  const loaded = commandConfig(values.config ?? env.VIGIL_CONFIG, env);
  if (!loaded) return 2;
  try {
    const { file, password, repaired } = await ensureAdminCredential(loaded.config.data_dir, {
      reset: values.reset ?? false,
    });
    if (repaired)
      io.stdout(`${file} belonged to another user than its data directory; given back to its owner\n`);
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
