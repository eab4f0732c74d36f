import type { PathIssue } from '../../../base/pathIssue';
import { gpioDriver, lineKey } from '../../../hal/gpio/gpioDrivers';
import type { GpioConfig, GpioLineConfig } from '../../../hal/gpio/gpioSchema';

/**
 * A GPIO line may be claimed once: two devices on one pin, or an input wired to an output, is a
 * wiring mistake. A sequence pattern needs on/off pairs; an input's camera must exist.
 */
export function gpioIssues(gpio: GpioConfig, cameras: readonly string[]): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [name, line] of Object.entries(gpio)) issues.push(...lineIssues(name, line, cameras));
  const owners = new Map<string, [string, GpioLineConfig]>();
  for (const [name, line] of Object.entries(gpio)) {
    // Two names for the same physical line must collide, so the key is what the driver opens.
    const key = lineKey(line);
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, [name, line]);
      continue;
    }
    const [ownerName, ownerLine] = owner;
    const where = gpioDriver(name, line).location(line);
    const message =
      ownerLine.direction === line.direction
        ? `pin ${line.pin} on ${where} is already used by gpio.${ownerName} — give each device its own pin`
        : `pin ${line.pin} on ${where} is an ${line.direction} here but an ${ownerLine.direction} for gpio.${ownerName} — a pin cannot be both`;
    issues.push({ path: ['gpio', name, 'pin'], message });
  }
  return issues;
}

function lineIssues(name: string, line: GpioLineConfig, cameras: readonly string[]): PathIssue[] {
  const issues: PathIssue[] = [];
  if (line.direction === 'output' && line.pattern === 'sequence') {
    const count = line.sequence.length;
    if (count === 0 || count % 2 !== 0) {
      issues.push({
        path: ['gpio', name, 'sequence'],
        message: `the sequence pattern needs pairs of milliseconds on and off, e.g. [200, 200, 200, 1000] (got ${count} value${count === 1 ? '' : 's'})`,
      });
    }
  }
  if (line.direction === 'input' && line.camera !== undefined && !cameras.includes(line.camera)) {
    const known = cameras.length === 0 ? 'no cameras are configured' : `cameras: ${cameras.join(', ')}`;
    issues.push({ path: ['gpio', name, 'camera'], message: `'${line.camera}' is not a camera (${known})` });
  }
  return issues;
}
