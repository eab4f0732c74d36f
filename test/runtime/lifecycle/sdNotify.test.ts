import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createSocket } from 'unix-dgram';
import { SdNotifier, watchdogIntervalMs } from '../../../runtime/lifecycle/sdNotify';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';

/** A real unix datagram socket standing where systemd's notify socket would be. */
function notifyListener() {
  const path = join(tempDir(), 'notify.sock');
  const messages: string[] = [];
  const socket = createSocket('unix_dgram', (msg) => {
    messages.push(msg.toString());
    socket.emit('received');
  });
  socket.bind(path);
  const next = async (predicate: (m: string) => boolean): Promise<string> => {
    for (;;) {
      const found = messages.find(predicate);
      if (found) return found;
      await once(socket, 'received');
    }
  };
  return { path, messages, next, close: () => socket.close() };
}

describe('SdNotifier', () => {
  test('sends READY, periodic WATCHDOG and STOPPING over a unix datagram socket', async () => {
    const listener = notifyListener();
    const notifier = new SdNotifier(
      { NOTIFY_SOCKET: listener.path, WATCHDOG_USEC: '100000', WATCHDOG_PID: String(process.pid) },
      memoryLogger().logger,
    );
    assert.equal(notifier.enabled, true);
    notifier.ready();
    const ready = await listener.next((m) => m.includes('READY=1'));
    assert.match(ready, new RegExp(`MAINPID=${process.pid}`));
    await listener.next(
      (m) => listener.messages.filter((x) => x === 'WATCHDOG=1').length >= 3 && m === 'WATCHDOG=1',
    );

    notifier.stopping('stopping (SIGTERM)');
    const stopping = await listener.next((m) => m.startsWith('STOPPING=1'));
    assert.equal(stopping, 'STOPPING=1\nSTATUS=stopping (SIGTERM)');
    const countAtStop = listener.messages.filter((m) => m === 'WATCHDOG=1').length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(
      listener.messages.filter((m) => m === 'WATCHDOG=1').length,
      countAtStop,
      'the watchdog keeps pinging after STOPPING',
    );
    notifier.close();
    listener.close();
  });

  test('does nothing without NOTIFY_SOCKET', () => {
    const notifier = new SdNotifier({}, memoryLogger().logger);
    assert.equal(notifier.enabled, false);
    notifier.ready();
    notifier.stopping();
    notifier.close();
  });

  test('pings at half of WATCHDOG_USEC, only for our own PID', () => {
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '20000000' }), 10_000);
    assert.equal(
      watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: String(process.pid + 1) }),
      undefined,
    );
    assert.equal(watchdogIntervalMs({}), undefined);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: 'zero' }), undefined);
  });
});
