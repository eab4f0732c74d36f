import { gpioLines } from '../../../hal/gpio/gpioSchema';
import type { Config } from '../../config/schema/index';

/**
 * The GPIO output behind the siren entity and `<base>/siren/...`: `mqtt.siren_output`, else
 * the output named `siren`, else the first output; null when there is none (no siren entity then).
 */
export function sirenOutput(config: Pick<Config, 'gpio' | 'mqtt'>): string | null {
  const outputs = gpioLines(config.gpio, 'output').map(([name]) => name);
  const chosen = config.mqtt.siren_output;
  if (chosen !== undefined) return outputs.includes(chosen) ? chosen : null;
  if (outputs.includes('siren')) return 'siren';
  return outputs[0] ?? null;
}
