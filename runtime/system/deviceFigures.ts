import { statfs } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { cpuTemperature, currentLoad, fsSize, mem } from 'systeminformation';

/** How the appliance itself is doing, as Home Assistant's device sensors show it. Null: not reported here. */
export interface DeviceFigures {
  /** °C, the hottest CPU sensor the kernel exposes. */
  cpu_temperature: number | null;
  /** Percent of all cores busy since the previous reading. */
  cpu_load: number | null;
  /** Percent of memory in use (what is not available to new processes). */
  memory_used_percent: number | null;
  /** Percent used of the filesystem holding `dataDir` (recordings, snapshots, database). */
  disk_used_percent: number | null;
}

/**
 * Reads the figures; never throws. Each one is read on its own, so a board without a
 * thermal sensor (a VM, some SBCs) still reports load, memory and disk.
 */
export async function readDeviceFigures(dataDir: string): Promise<DeviceFigures> {
  const [temperature, load, memory, disk] = await Promise.allSettled([
    cpuTemperature(),
    currentLoad(),
    mem(),
    diskUsedPercent(dataDir),
  ]);
  const value = <T>(result: PromiseSettledResult<T>): T | null =>
    result.status === 'fulfilled' ? result.value : null;
  const t = value(temperature);
  const m = value(memory);
  return {
    // systeminformation reports -1 (or null) where it found no sensor.
    cpu_temperature: t && t.main !== -1 ? round(t.main ?? null, true) : null,
    cpu_load: round(value(load)?.currentLoad ?? null),
    memory_used_percent: m && m.total > 0 ? round(((m.total - m.available) / m.total) * 100) : null,
    disk_used_percent: round(value(disk)),
  };
}

/**
 * The used share of the filesystem mounted deepest above `dataDir`, from `df` (systeminformation),
 * which counts space reserved for root as the user sees it. Falls back to statfs when `df`
 * does not list that mount (tmpfs and some overlays are filtered out).
 */
async function diskUsedPercent(dataDir: string): Promise<number | null> {
  const path = resolve(dataDir);
  const mounts = await fsSize().catch(() => []);
  const holding = mounts
    .filter((m) => path === m.mount || path.startsWith(m.mount.endsWith(sep) ? m.mount : m.mount + sep))
    .sort((a, b) => b.mount.length - a.mount.length)[0];
  if (holding && Number.isFinite(holding.use)) return holding.use;
  const stats = await statfs(path);
  const usable = stats.blocks - stats.bfree + stats.bavail;
  return usable > 0 ? ((stats.blocks - stats.bfree) / usable) * 100 : null;
}

/** One decimal; null for what is not a finite number, or negative where that cannot be (-1 means unknown). */
function round(value: number | null | undefined, signed = false): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || (!signed && value < 0)) return null;
  return Math.round(value * 10) / 10;
}

/**
 * The figures at most `maxAgeMs` old: a busy status page or API client does not start a `df`
 * per request. Callers arriving while a reading runs share it.
 */
export class CachedDeviceFigures {
  readonly #dataDir: string;
  readonly #maxAgeMs: number;
  #reading: Promise<DeviceFigures> | undefined;
  #readAt = 0;

  constructor(dataDir: string, maxAgeMs = 5_000) {
    this.#dataDir = dataDir;
    this.#maxAgeMs = maxAgeMs;
  }

  read(): Promise<DeviceFigures> {
    if (!this.#reading || Date.now() - this.#readAt > this.#maxAgeMs) {
      this.#readAt = Date.now();
      this.#reading = readDeviceFigures(this.#dataDir);
    }
    return this.#reading;
  }
}
