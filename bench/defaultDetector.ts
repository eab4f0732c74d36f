import type { DetectorConfig } from '../hal/accel/detectorSchema';
import { loadConfig } from '../runtime/config/loadConfig';

/**
 * The detector a config without a `detectors` section gets: what the appliance runs by default.
 * VIGIL_DETECTORS_… variables apply as they do to the appliance, e.g. VIGIL_DETECTORS_DEFAULT_INSTANCES=1
 * to compare one instance with the default number.
 */
export function defaultDetectorConfig(): DetectorConfig {
  // Only the detectors' variables: VIGIL_BENCH_SMOKE is the bench's own, no config setting.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name.startsWith('VIGIL_DETECTORS_')),
  );
  const loaded = loadConfig({ text: '', env });
  if (!loaded.ok)
    throw new Error(`the default config with this environment is invalid: ${JSON.stringify(loaded.errors)}`);
  const detector = loaded.ok ? loaded.config.detectors.default : undefined;
  if (!detector) throw new Error('the default config has no default detector');
  return detector;
}
