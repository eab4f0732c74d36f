import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { encodeJpeg } from '../../../../runtime/media/annotate';
import { MjpegHub } from '../../../../runtime/pipeline/api/mjpegHub';
import { memoryLogger } from '../../../helpers/memoryLogger';

const WIDTH = 64;
const HEIGHT = 48;

/** A hub over one real frame, encoded by the real encoder; counts and awaits the encodings. */
function hubWithFrame(maxViewers = 5) {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
  const frame = { data, width: WIDTH, height: HEIGHT };
  const calls: Array<{ camera: string; annotated: boolean }> = [];
  const pending: Array<Promise<unknown>> = [];
  let now = 1_000_000;
  const hub = new MjpegHub({
    maxViewers: () => maxViewers,
    encode: (camera, annotated) => {
      calls.push({ camera, annotated });
      const box = {
        box: [0.1, 0.1, 0.5, 0.9] as [number, number, number, number],
        label: 'person',
        score: 0.9,
      };
      const jpeg = encodeJpeg(frame, annotated ? [box] : []);
      pending.push(jpeg);
      return jpeg;
    },
    logger: memoryLogger().logger,
    now: () => now,
  });
  /** A frame of `camera` is processed, and everything it set off is done. */
  const frameDone = async (camera = 'front') => {
    hub.frame(camera);
    await Promise.all(pending.splice(0));
    await turn();
  };
  return { hub, calls, frameDone, advance: (ms: number) => (now += ms) };
}

/** A viewer that reads everything, collecting what it got. */
function reader(): { sink: PassThrough; received: () => string } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, received: () => Buffer.concat(chunks).toString('latin1') };
}

function parts(text: string): number {
  return text.split('--vigilframe\r\nContent-Type: image/jpeg\r\n').length - 1;
}

describe('MJPEG hub', () => {
  it('encodes nothing while nobody watches, and each frame once per variant for all viewers', async () => {
    const { hub, calls, frameDone } = hubWithFrame();
    await frameDone();
    assert.equal(calls.length, 0, 'encoded for nobody');
    const viewers = [reader(), reader(), reader()];
    const annotated = reader();
    for (const { sink } of viewers) assert.equal(hub.open('front', sink, false).kind, 'joined');
    hub.open('front', annotated.sink, true);
    await frameDone();
    await frameDone();
    assert.deepEqual(
      calls.map((c) => c.annotated).sort(),
      [false, false, true, true],
      'two frames, each encoded once plain and once annotated',
    );
    for (const { received } of viewers) assert.equal(parts(received()), 2);
    assert.equal(parts(annotated.received()), 2);
    assert.match(viewers[0]?.received() ?? '', /Content-Length: \d+\r\n\r\n\xff\xd8/);
    // Another camera's frames reach none of them.
    await frameDone('back');
    assert.equal(calls.length, 4);
  });

  it('skips a frame that comes while the previous one is still being encoded', async () => {
    const { hub, calls, frameDone } = hubWithFrame();
    const viewer = reader();
    hub.open('front', viewer.sink, false);
    hub.frame('front');
    await frameDone();
    assert.equal(calls.length, 1);
    assert.equal(parts(viewer.received()), 1);
  });

  it('lets a slow viewer miss frames rather than buffer them, and drops it once stalled', async () => {
    const { hub, frameDone, advance } = hubWithFrame();
    const fast = reader();
    // Nobody reads this one: its connection takes nothing.
    const slow = new PassThrough({ highWaterMark: 1024 });
    hub.open('front', fast.sink, false);
    hub.open('front', slow, false);
    let firstPart = 0;
    for (let i = 0; i < 20; i++) {
      await frameDone();
      if (i === 0) firstPart = slow.writableLength + slow.readableLength;
      advance(200);
    }
    assert.equal(parts(fast.received()), 20, 'the reading viewer got every frame');
    const held = slow.writableLength + slow.readableLength;
    assert.ok(
      held <= firstPart * 2,
      `the slow viewer holds ${held} bytes after 20 frames (one part: ${firstPart})`,
    );
    assert.equal(hub.viewers('front'), 2);
    advance(15_000);
    await frameDone();
    assert.equal(slow.destroyed, true, 'the stalled viewer was dropped');
    await turn();
    assert.equal(hub.viewers('front'), 1);
    assert.equal(parts(fast.received()), 21);
  });

  it('refuses viewers beyond the limit; one that leaves frees its place, with nothing left behind', async () => {
    const { hub } = hubWithFrame(2);
    const a = reader();
    const b = reader();
    assert.equal(hub.open('front', a.sink, false).kind, 'joined');
    assert.equal(hub.open('front', b.sink, true).kind, 'joined');
    assert.deepEqual(hub.open('front', reader().sink, false), { kind: 'full', limit: 2 });
    assert.equal(hub.open('back', reader().sink, false).kind, 'joined', 'the limit is per camera');
    a.sink.destroy();
    await turn();
    assert.equal(hub.viewers('front'), 1);
    const c = reader();
    assert.equal(hub.open('front', c.sink, false).kind, 'joined');
    b.sink.destroy();
    c.sink.destroy();
    await turn();
    assert.equal(hub.viewers('front'), 0);
  });

  it('ends every stream of a camera with the closing boundary when the camera stops', async () => {
    const { hub, frameDone } = hubWithFrame();
    const viewer = reader();
    hub.open('front', viewer.sink, false);
    await frameDone();
    const ended = new Promise((resolve) => viewer.sink.once('end', resolve));
    hub.end('front');
    await ended;
    assert.ok(viewer.received().endsWith('\r\n--vigilframe--\r\n'), 'closing boundary last');
    assert.equal(hub.viewers('front'), 0);
    await turn();
    assert.equal(viewer.sink.listenerCount('close'), 0, 'no listener left on the stream');
  });
});
