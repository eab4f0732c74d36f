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

  test('no line shows the secrets of a URL, in its message, its fields or its error, nor in the recent problems', () => {
    const { lines, destination } = collect();
    const factory = new LoggerFactory({ level: 'info', modules: {}, destination });
    const logger = factory.forModule('pipeline');
    const url = 'rtsp://admin:p@ss/word@cam/live?user=admin&pwd=hunter2';
    logger.warn({ url, args: ['-i', url] }, `camera offline: ${url}`);
    logger.error({ err: new Error(`cannot open ${url}`) }, 'cannot start camera source');
    logger.info({ address: 'http://127.0.0.1:8080' }, 'web server listening');
    const text = JSON.stringify(lines) + JSON.stringify(factory.problems.list());
    for (const secret of ['hunter2', 'p@ss', 'user=admin']) assert.ok(!text.includes(secret), secret);
    assert.equal(lines[0]?.url, 'rtsp://***@cam/live?user=***&pwd=***');
    assert.equal(lines[0]?.msg, 'camera offline: rtsp://***@cam/live?user=***&pwd=***');
    assert.match(
      String((lines[1]?.err as { message?: string } | undefined)?.message),
      /cannot open rtsp:\/\/\*\*\*@cam/,
    );
    assert.equal(lines[2]?.address, 'http://127.0.0.1:8080');
    assert.equal(
      factory.problems.list()[0]?.message,
      'cannot start camera source: cannot open rtsp://***@cam/live?user=***&pwd=***',
    );
  });
});
