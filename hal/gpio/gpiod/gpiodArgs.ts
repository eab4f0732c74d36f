import type { Level } from '../level';

/** libgpiod tools' command-line generation: 1 = v1.x (Debian ≤ bookworm), 2 = v2.x (trixie). */
export type GpiodMajor = 1 | 2;

/** Where a line is: chip name (gpiochip0) and offset. */
export interface GpiodLineRef {
  chip: string;
  pin: number;
}

/**
 * `gpioset` arguments. `hold`: keep running and holding the line until killed (v2 default,
 * v1 `--mode=signal`); otherwise set once and exit (v2 `-t0`, v1 default mode).
 */
export function gpiosetArgs(major: GpiodMajor, line: GpiodLineRef, level: Level, hold: boolean): string[] {
  const assignment = `${line.pin}=${level}`;
  if (major === 1) return [...(hold ? ['--mode=signal'] : []), line.chip, assignment];
  return [...(hold ? [] : ['-t0']), '--chip', line.chip, assignment];
}

/** `gpioget` arguments for one line, with an optional bias. */
export function gpiogetArgs(major: GpiodMajor, line: GpiodLineRef, bias?: string): string[] {
  if (major === 1) return [...(bias ? [`--bias=${bias}`] : []), line.chip, String(line.pin)];
  return [...(bias ? ['--bias', bias] : []), '--chip', line.chip, String(line.pin)];
}

/** `gpiomon` arguments watching both edges of one line, with an optional bias. */
export function gpiomonArgs(major: GpiodMajor, line: GpiodLineRef, bias?: string): string[] {
  // v1 reports both edges unless told otherwise.
  if (major === 1) return [...(bias ? [`--bias=${bias}`] : []), line.chip, String(line.pin)];
  return [...(bias ? ['--bias', bias] : []), '--edges', 'both', '--chip', line.chip, String(line.pin)];
}

/**
 * The level after one `gpiomon` event line, or undefined for anything else. v2 prints
 * `<ts>\trising\t<line>`, v1 `event:  RISING EDGE offset: 17 timestamp: [...]`.
 */
export function parseGpiomonLine(text: string): Level | undefined {
  const match = /\b(rising|falling)\b/i.exec(text);
  if (!match?.[1]) return undefined;
  return match[1].toLowerCase() === 'rising' ? 1 : 0;
}

/** The level `gpioget` printed: v2 `"17"=active` / `17=inactive` (or `--numeric` 0/1), v1 `0`/`1`. */
export function parseGpiogetOutput(text: string): Level | undefined {
  const named = /=\s*(inactive|active)\b/i.exec(text);
  if (named?.[1]) return named[1].toLowerCase() === 'active' ? 1 : 0;
  const numeric = /^\s*([01])\s*$/m.exec(text);
  if (numeric?.[1]) return numeric[1] === '1' ? 1 : 0;
  return undefined;
}

/** The major version in `<tool> --version` output (`gpioset (libgpiod) v2.1.3`); 2 when unclear. */
export function parseGpiodMajor(versionText: string): GpiodMajor {
  const match = /\bv?(\d+)\.\d+/.exec(versionText);
  return match?.[1] === '1' ? 1 : 2;
}
