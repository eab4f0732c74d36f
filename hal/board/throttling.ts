import { readFileSync } from 'node:fs';

/** What the Raspberry Pi firmware reports about power and heat. */
export interface Throttling {
  /** True while any limit is active now (under-voltage, frequency capped, throttled, soft temperature limit). */
  active: boolean;
  /** Every condition reported, now or since boot, e.g. `under-voltage`, `throttled since boot`. */
  flags: string[];
}

// Bits of the firmware's get_throttled word; the same conditions "since boot" are 16 bits higher.
const CONDITIONS: ReadonlyArray<[bit: number, name: string]> = [
  [0, 'under-voltage'],
  [1, 'frequency capped'],
  [2, 'throttled'],
  [3, 'soft temperature limit'],
];

/**
 * Reads the firmware's throttling word (what `vcgencmd get_throttled` prints), which the Pi's
 * kernel exposes in sysfs. Null on boards without it (PCs, most other SBCs). Never throws.
 */
export function readThrottling(root = ''): Throttling | null {
  let text: string;
  try {
    text = readFileSync(`${root}/sys/devices/platform/soc/soc:firmware/get_throttled`, 'utf8').trim();
  } catch {
    return null;
  }
  const word = Number.parseInt(text, 16);
  if (!Number.isFinite(word)) return null;
  const flags: string[] = [];
  let active = false;
  for (const [bit, name] of CONDITIONS) {
    if (word & (1 << bit)) {
      active = true;
      flags.push(name);
    }
    if (word & (1 << (bit + 16))) flags.push(`${name} since boot`);
  }
  return { active, flags };
}
