import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LoggerFactory } from '../../../runtime/logging/logger';

function collect() {
  const lines: Array<Record<string, unknown>> = [];
  return {
    lines,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  };
}

describe('LoggerFactory', () => {
  test('module loggers carry their name and their own level', () => {
    const { lines, destination } = collect();
    const factory = new LoggerFactory({
      level: 'info',
      modules: { store: 'debug', web: 'error' },
      destination,
    });
    factory.forModule('store').debug({ batch: 3 }, 'committed');
    factory.forModule('web').warn('not shown: web logs errors only');
    factory.forModule('bus').debug('not shown: root level is info');
    factory.forModule('bus').info('shown');
    assert.deepEqual(
      lines.map((l) => [l.module, l.msg]),
      [
        ['store', 'committed'],
        ['bus', 'shown'],
      ],
    );
    assert.equal(lines[0]?.batch, 3);
    assert.equal(lines[0]?.level, 20);
    assert.equal(typeof lines[0]?.time, 'number');
  });
});
