import { join, resolve } from 'node:path';
import { secretFileOwner } from '../../base/fileOwner';
import { readSecretFile, writeSecretFile } from '../../base/secretFile';
import { parseDeviceKey } from '../mqtt/security/deviceKey';

interface StoredDevice {
  key: string;
  enrolled_at: number;
}

/** How often an unknown device makes the receiver read the enrolment file again. */
const RELOAD_MS = 10_000;

/**
 * `<data_dir>/auth/devices.json`: the appliances the central server takes batches from, each with
 * its device key (`vigil central enroll --device ID --key KEY` writes it). Only the central server
 * and the appliance hold a key; a broker client without it can neither forge a batch nor an ack.
 */
export function devicesFile(dataDir: string): string {
  return join(resolve(dataDir), 'auth', 'devices.json');
}

/** Adds or replaces one device's key. */
export function enrollDevice(dataDir: string, device: string, keyText: string, now = Date.now()): void {
  const file = devicesFile(dataDir);
  parseDeviceKey(keyText, '--key');
  const devices = readDevices(file);
  devices[device] = { key: keyText.trim(), enrolled_at: now };
  const owner = secretFileOwner(dataDir, { forSelf: false, command: 'central enroll' });
  writeSecretFile(file, `${JSON.stringify(devices, null, 2)}\n`, owner);
}

/** The enrolled devices, read from the file and read again (at most every 10 s) when an unknown one writes. */
export class DeviceKeys {
  readonly #file: string;
  #devices = new Map<string, Buffer>();
  #loadedAt = 0;

  constructor(dataDir: string) {
    this.#file = devicesFile(dataDir);
    this.#load();
  }

  get size(): number {
    return this.#devices.size;
  }

  /** The device's key, or undefined when it is not enrolled. */
  get(device: string, now = Date.now()): Buffer | undefined {
    if (!this.#devices.has(device) && now - this.#loadedAt >= RELOAD_MS) this.#load(now);
    return this.#devices.get(device);
  }

  #load(now = Date.now()): void {
    this.#loadedAt = now;
    const devices = new Map<string, Buffer>();
    for (const [id, stored] of Object.entries(readDevices(this.#file)))
      devices.set(id, parseDeviceKey(stored.key, `${this.#file}: ${id}`));
    this.#devices = devices;
  }
}

function readDevices(file: string): Record<string, StoredDevice> {
  const text = readSecretFile(file);
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, StoredDevice>;
  } catch (err) {
    throw new Error(
      `${file} is damaged (${(err as Error).message}) — enrol the devices again with 'vigil central enroll'`,
    );
  }
}
