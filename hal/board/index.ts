import { readFileSync } from 'node:fs';
import { arch } from 'node:os';

/** What the appliance runs on, for health output and (later) the status page. */
export interface BoardInfo {
  /** e.g. "Raspberry Pi 5 Model B Rev 1.0", or the PC's DMI product name. */
  model: string;
  arch: string;
  /** CPU temperature in °C, when the kernel exposes a thermal zone. */
  cpuTemperatureC: number | null;
}

export interface BoardProbeOptions {
  /** Root of /proc and /sys, changeable so tests can use a temporary tree. */
  root?: string;
}

/** Reads the board's identity from the device tree (SBCs) or DMI (PCs). Never throws. */
export function probeBoard(options: BoardProbeOptions = {}): BoardInfo {
  const root = options.root ?? '';
  const model =
    readText(`${root}/proc/device-tree/model`) ??
    readText(`${root}/sys/class/dmi/id/product_name`) ??
    'unknown board';
  const milli = Number(readText(`${root}/sys/class/thermal/thermal_zone0/temp`));
  return {
    model,
    arch: arch(),
    cpuTemperatureC: Number.isFinite(milli) && milli !== 0 ? Math.round(milli / 100) / 10 : null,
  };
}

function readText(path: string): string | undefined {
  try {
    // Device-tree strings end in a NUL byte.
    const text = readFileSync(path, 'utf8').replace(/\0/g, '').trim();
    return text || undefined;
  } catch {
    // Absent on this kind of board: the caller falls back to the next source.
    return undefined;
  }
}
