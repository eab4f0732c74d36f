import { parseArgs } from 'node:util';
import { VERSION } from '../base/version';
import { adminPasswordCommand } from './cli/adminPasswordCommand';
import { centralCommand } from './cli/centralCommand';
import { centralEnrollCommand } from './cli/centralEnrollCommand';
import { checkConfigCommand } from './cli/checkConfigCommand';
import { deviceKeyCommand } from './cli/deviceKeyCommand';
import { facesCommand } from './cli/facesCommand';
import { gpioCommand } from './cli/gpioCommand';
import { mqttAclCommand } from './cli/mqttAclCommand';
import { mqttSignCommand } from './cli/mqttSignCommand';
import { runCommand } from './cli/runCommand';
import { USAGE } from './cli/usage';

/** Entry point of `vigil` (dist/vigil.mjs): parses the command line and dispatches. */
async function main(argv: string[]): Promise<number> {
  process.setSourceMapsEnabled(true);
  // `faces`, `gpio`, `admin-password`, `device-key`, `mqtt-acl`, `mqtt-sign` and `central enroll` have their own options (--name, --list, --device, --topic); the top-level parser would reject them.
  if (argv[0] === 'faces') return facesCommand(argv.slice(1), process.env);
  if (argv[0] === 'gpio') return gpioCommand(argv.slice(1), process.env);
  if (argv[0] === 'admin-password') return adminPasswordCommand(argv.slice(1), process.env);
  if (argv[0] === 'device-key') return deviceKeyCommand(argv.slice(1), process.env);
  if (argv[0] === 'mqtt-acl') return mqttAclCommand(argv.slice(1), process.env);
  if (argv[0] === 'mqtt-sign') return mqttSignCommand(argv.slice(1), process.env);
  if (argv[0] === 'central' && argv[1] === 'enroll') return centralEnrollCommand(argv.slice(2), process.env);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (values.help || command === 'help' || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'run':
      if (rest.length > 0)
        return usageError(`'run' takes no arguments (got ${rest.join(' ')}); use --config FILE`);
      return runCommand(values.config ?? process.env.VIGIL_CONFIG, process.env);
    case 'central':
      if (rest.length > 0)
        return usageError(`'central' takes no arguments (got ${rest.join(' ')}); use --config FILE`);
      return centralCommand(values.config ?? process.env.VIGIL_CONFIG, process.env);
    case 'check-config': {
      const file = rest[0] ?? values.config;
      if (!file || rest.length > 1) return usageError("'check-config' takes exactly one FILE");
      return checkConfigCommand(file, process.env);
    }
    default:
      return usageError(`unknown command '${command}'`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      version: { type: 'boolean', short: 'V' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function usageError(message: string): number {
  process.stderr.write(`vigil: ${message}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('vigil: fatal:', err);
    process.exitCode = 1;
  },
);
