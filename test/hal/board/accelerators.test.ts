import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { boardFamily, probeBoardDetails } from '../../../hal/board/accelerators';
import { tempDir } from '../../helpers/tempDir';

/** Writes files (path → content) under a fresh temporary root, like /sys, /proc and /dev. */
function fakeRoot(files: Record<string, string>): string {
  const root = tempDir('vigil-board-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('probeBoardDetails', () => {
  it('finds a Raspberry Pi with a Coral USB stick (before and after firmware load) and a Hailo', () => {
    const root = fakeRoot({
      'proc/device-tree/model': 'Raspberry Pi 5 Model B Rev 1.0\0',
      'proc/device-tree/compatible': 'raspberrypi,5-model-b\0brcm,bcm2712\0',
      'sys/bus/usb/devices/usb1/idVendor': '1d6b\n',
      'sys/bus/usb/devices/usb1/idProduct': '0002\n',
      'sys/bus/usb/devices/2-1/idVendor': '18d1\n',
      'sys/bus/usb/devices/2-1/idProduct': '9302\n',
      'sys/bus/usb/devices/1-1.2/idVendor': '1A6E\n',
      'sys/bus/usb/devices/1-1.2/idProduct': '089A\n',
      'dev/hailo0': '',
    });
    const details = probeBoardDetails({ root });
    assert.equal(details.model, 'Raspberry Pi 5 Model B Rev 1.0');
    assert.equal(details.family, 'raspberry-pi');
    assert.deepEqual(
      details.accelerators.sort((a, b) => a.detail.localeCompare(b.detail)),
      [
        { kind: 'hailo', detail: '/dev/hailo0' },
        { kind: 'coral-usb', detail: 'usb 1-1.2 (1a6e:089a)' },
        { kind: 'coral-usb', detail: 'usb 2-1 (18d1:9302)' },
      ],
    );
  });

  it('finds a Jetson and its integrated GPU', () => {
    const root = fakeRoot({
      'proc/device-tree/model': 'NVIDIA Jetson Orin Nano Developer Kit\0',
      'proc/device-tree/compatible': 'nvidia,p3768-0000+p3767-0005\0nvidia,tegra234\0',
    });
    const details = probeBoardDetails({ root });
    assert.equal(details.family, 'jetson');
    assert.deepEqual(details.accelerators, [{ kind: 'nvidia-gpu', detail: 'Jetson integrated GPU' }]);
  });

  it('finds a PC with a Coral PCIe card and an NVIDIA GPU named by its driver', () => {
    const root = fakeRoot({
      'sys/class/dmi/id/product_name': 'OptiPlex 7070\n',
      'dev/apex_0': '',
      'dev/nvidia0': '',
      'proc/driver/nvidia/gpus/0000:01:00.0/information': 'Model: \t\t NVIDIA GeForce GTX 1650\nIRQ: 140\n',
    });
    const details = probeBoardDetails({ root });
    assert.equal(details.model, 'OptiPlex 7070');
    assert.equal(details.family, 'generic');
    assert.deepEqual(details.accelerators, [
      { kind: 'coral-pcie', detail: '/dev/apex_0' },
      { kind: 'nvidia-gpu', detail: 'NVIDIA GeForce GTX 1650' },
    ]);
  });

  it('reports an NVIDIA device node alone, and nothing on an empty tree', () => {
    assert.deepEqual(probeBoardDetails({ root: fakeRoot({ 'dev/nvidia0': '' }) }).accelerators, [
      { kind: 'nvidia-gpu', detail: '/dev/nvidia0' },
    ]);
    const bare = probeBoardDetails({ root: fakeRoot({}) });
    assert.deepEqual(
      { model: bare.model, family: bare.family, accelerators: bare.accelerators },
      {
        model: 'unknown board',
        family: 'generic',
        accelerators: [],
      },
    );
  });

  it('tells board families by model string', () => {
    assert.equal(boardFamily('Raspberry Pi 4 Model B Rev 1.4'), 'raspberry-pi');
    assert.equal(boardFamily('NVIDIA Jetson Nano Developer Kit'), 'jetson');
    assert.equal(boardFamily('Rockchip RK3588 EVB'), 'generic');
  });

  it('never throws on the real machine', () => {
    const details = probeBoardDetails();
    assert.equal(typeof details.model, 'string');
    assert.ok(Array.isArray(details.accelerators));
  });
});
