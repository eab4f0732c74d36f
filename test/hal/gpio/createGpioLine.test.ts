import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGpioLine } from '../../../hal/gpio/createGpioLine';
import { GPIO_LINE_DRIVERS } from '../../../hal/gpio/gpioDrivers';
import { GPIO_DRIVERS } from '../../../hal/gpio/gpioSchema';
import { lineConfig } from './fixtures/gpioFixtures';

describe('createGpioLine', () => {
  it('has a driver for every driver name the config accepts', () => {
    assert.deepEqual([...GPIO_LINE_DRIVERS].sort(), [...GPIO_DRIVERS].sort());
  });

  it('picks the driver and direction from the config', async () => {
    const output = await createGpioLine({ name: 'siren', config: lineConfig({ driver: 'sim', pin: 17 }) });
    const input = await createGpioLine({
      name: 'pir',
      config: lineConfig({ driver: 'sim', pin: 4, direction: 'input' }),
    });
    assert.equal(output.direction, 'output');
    assert.equal(input.direction, 'input');
    await Promise.all([output.close(), input.close()]);
  });

  it('rejects an unknown driver, naming the path and the valid drivers', async () => {
    const config = { ...lineConfig({ pin: 3 }), driver: 'wiringpi' } as unknown as ReturnType<
      typeof lineConfig
    >;
    await assert.rejects(
      createGpioLine({ name: 'siren', config }),
      /gpio 'siren': unknown driver 'wiringpi' at gpio\.siren\.driver; valid drivers: gpiod, sysfs, sim/,
    );
  });
});
