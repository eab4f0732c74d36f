import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CommandIo } from './commandIo';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's options, parsed strictly by node:util's parseArgs (no positionals), or null after
 * printing what is wrong and the command's usage: the caller exits 2.
 */
export function commandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  usage: string,
  io: CommandIo,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    io.stderr(`vigil: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    return null;
  }
}
