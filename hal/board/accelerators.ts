import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BoardInfo, type BoardProbeOptions, probeBoard } from './index';

/** Single-board computer families Vigil knows, or `generic` (PC, VM, other SBC). */
export type BoardFamily = 'raspberry-pi' | 'jetson' | 'generic';

/** An inference accelerator found on this machine. */
interface Accelerator {
  kind: 'coral-usb' | 'coral-pcie' | 'hailo' | 'nvidia-gpu';
  /** Where it was seen, e.g. `/dev/apex_0`, `usb 2-1 (18d1:9302)`, or the GPU's model name. */
  detail: string;
}

/** BoardInfo plus what the detector choice depends on. */
export interface BoardDetails extends BoardInfo {
  family: BoardFamily;
  accelerators: Accelerator[];
}

/** USB ids of the Coral USB Accelerator: before its firmware is loaded (Global Unichip) and after (Google). */
const CORAL_USB_IDS = ['1a6e:089a', '18d1:9302'];

/**
 * probeBoard() plus the board family (from the device-tree model and compatible strings) and the
 * accelerators present: Coral USB (sysfs USB ids), Coral PCIe (/dev/apex_*), Hailo (/dev/hailo*),
 * NVIDIA (/dev/nvidia0 or /proc/driver/nvidia; a Jetson's integrated GPU counts). Never throws;
 * `root` points it at a temporary tree in tests.
 */
export function probeBoardDetails(options: BoardProbeOptions = {}): BoardDetails {
  const root = options.root ?? '';
  const board = probeBoard(options);
  const family = boardFamily(board.model, readText(`${root}/proc/device-tree/compatible`) ?? '');
  const accelerators = [
    ...coralUsb(root),
    ...devices(root, /^apex_\d+$/, 'coral-pcie'),
    ...devices(root, /^hailo\d+$/, 'hailo'),
  ];
  const gpu = nvidiaGpu(root, family);
  if (gpu) accelerators.push(gpu);
  return { ...board, family, accelerators };
}

/** Raspberry Pi and Jetson by device-tree model (or compatible list); everything else is generic. */
export function boardFamily(model: string, compatible = ''): BoardFamily {
  if (/^raspberry pi/i.test(model) || /raspberrypi/i.test(compatible)) return 'raspberry-pi';
  if (/jetson/i.test(model) || /nvidia,(tegra|p3\d{3})/i.test(compatible)) return 'jetson';
  return 'generic';
}

function coralUsb(root: string): Accelerator[] {
  const base = `${root}/sys/bus/usb/devices`;
  const found: Accelerator[] = [];
  for (const device of listDir(base)) {
    const vendor = readText(join(base, device, 'idVendor'));
    const product = readText(join(base, device, 'idProduct'));
    const id = `${vendor}:${product}`.toLowerCase();
    if (CORAL_USB_IDS.includes(id)) found.push({ kind: 'coral-usb', detail: `usb ${device} (${id})` });
  }
  return found;
}

function devices(root: string, name: RegExp, kind: Accelerator['kind']): Accelerator[] {
  return listDir(`${root}/dev`)
    .filter((entry) => name.test(entry))
    .sort()
    .map((entry) => ({ kind, detail: `/dev/${entry}` }));
}

function nvidiaGpu(root: string, family: BoardFamily): Accelerator | undefined {
  const gpus = `${root}/proc/driver/nvidia/gpus`;
  const first = listDir(gpus).sort()[0];
  if (first) {
    const model = readText(join(gpus, first, 'information'))
      ?.match(/^Model:\s*(.+)$/m)?.[1]
      ?.trim();
    return { kind: 'nvidia-gpu', detail: model ?? `/proc/driver/nvidia/gpus/${first}` };
  }
  if (existsSync(`${root}/dev/nvidia0`)) return { kind: 'nvidia-gpu', detail: '/dev/nvidia0' };
  if (existsSync(`${root}/proc/driver/nvidia`)) return { kind: 'nvidia-gpu', detail: '/proc/driver/nvidia' };
  if (family === 'jetson') return { kind: 'nvidia-gpu', detail: 'Jetson integrated GPU' };
  return undefined;
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    // Missing on this kind of machine (no USB bus in a container, no /dev in a test tree).
    return [];
  }
}

function readText(path: string): string | undefined {
  try {
    // Device-tree strings end in NUL bytes (the compatible list separates entries with them).
    const text = readFileSync(path, 'utf8').replace(/\0/g, ' ').trim();
    return text || undefined;
  } catch {
    // Absent: the caller treats it as "not this kind of hardware".
    return undefined;
  }
}
