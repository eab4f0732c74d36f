import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createCameraSource } from '../../../hal/camera/createCameraSource';
import { ffmpegCaptureArgs } from '../../../hal/camera/ffmpeg/ffmpegSource';
import { hwaccelForBoard, resolveHwaccel } from '../../../hal/camera/ffmpeg/hwaccel';
import { inputArgsForUrl, isLiveUrl } from '../../../hal/camera/ffmpeg/inputUrl';
import { fileCaptureArgs } from '../../../hal/camera/file/fileSource';
import { tempDir } from '../../helpers/tempDir';
import { cameraSourceContract } from './cameraSourceContract';
import { cameraConfig, testSourceOptions } from './fixtures/cameraConfig';
import { type MjpegServer, startMjpegServer } from './fixtures/mjpegServer';
import { makeTestJpegs, makeTestVideo } from './fixtures/testVideo';

const dir = tempDir('vigil-camera-ffmpeg-');
let video = '';
let shortVideo = '';
let jpegs: Buffer[] = [];
const servers: MjpegServer[] = [];

before(() => {
  video = makeTestVideo(dir, { seconds: 8, fps: 25, width: 320, height: 240 });
  shortVideo = makeTestVideo(dir, { seconds: 1, fps: 25, width: 320, height: 240, name: 'short.mp4' });
  jpegs = makeTestJpegs(dir, 10);
});
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function mjpegServer(dropAfterFrames?: number): Promise<MjpegServer> {
  const server = await startMjpegServer({ jpegs, fps: 15, ...(dropAfterFrames ? { dropAfterFrames } : {}) });
  servers.push(server);
  return server;
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let sharedServer: MjpegServer | undefined;
cameraSourceContract({
  name: 'ffmpeg (HTTP MJPEG)',
  healthy: () => {
    assert.ok(sharedServer, 'server started');
    return { driver: 'ffmpeg', url: sharedServer.url, hwaccel: 'none' };
  },
  spawnsProcesses: true,
  flaky: async () => {
    const server = await mjpegServer(8);
    return { source: { driver: 'ffmpeg', url: server.url, hwaccel: 'none' } };
  },
});
before(async () => {
  sharedServer = await mjpegServer();
});

cameraSourceContract({
  name: 'ffmpeg (video file)',
  healthy: () => ({ driver: 'ffmpeg', url: video, hwaccel: 'none' }),
  spawnsProcesses: true,
  // A file that ends is a stream that drops: the driver reconnects and plays it again.
  flaky: async () => ({ source: { driver: 'ffmpeg', url: shortVideo, hwaccel: 'none' } }),
  broken: () => ({
    source: { driver: 'ffmpeg', url: `${dir}/missing.mp4`, hwaccel: 'none' },
    reason: /ffmpeg exited \(code 1\): .*No such file or directory — check cameras\.test\.source\.url/,
  }),
});

describe('ffmpeg driver', () => {
  it('reports a refused connection as offline, naming the URL without its password', async () => {
    const url = `http://admin:secret@127.0.0.1:${await closedPort()}/stream.mjpg`;
    const harness = testSourceOptions(cameraConfig({ driver: 'ffmpeg', url, hwaccel: 'none' }));
    const source = createCameraSource(harness.options);
    const consumer = (async () => {
      for await (const _frame of source.frames()) assert.fail('no frame expected');
    })();
    try {
      const offline = await harness.waitForStatus((status) => status.state === 'offline');
      assert.match(offline.reason ?? '', /Connection refused/i);
      assert.match(offline.reason ?? '', /http:\/\/\*\*\*@127\.0\.0\.1/);
      assert.doesNotMatch(JSON.stringify(harness.lines), /secret/);
    } finally {
      await source.stop();
      await consumer;
    }
  });

  it('falls back to software decoding when the hardware decoder cannot start, and says so once', async () => {
    // No /dev/video* m2m decoder exists here, so h264_v4l2m2m fails to open.
    const harness = testSourceOptions(cameraConfig({ driver: 'ffmpeg', url: video, hwaccel: 'v4l2m2m' }));
    const source = createCameraSource(harness.options);
    try {
      let count = 0;
      for await (const frame of source.frames()) {
        assert.equal(frame.data.length, 160 * 90 * 3);
        if (++count === 3) break;
      }
      assert.deepEqual(harness.statuses, [{ state: 'online' }], 'the hardware attempt is not an outage');
      const warnings = harness.lines.filter((line) =>
        /hardware decoder 'v4l2m2m' failed/.test(String(line.msg)),
      );
      assert.equal(warnings.length, 1);
      assert.match(String(warnings[0]?.failure), /v4l2m2m|decoder/i);
    } finally {
      await source.stop();
    }
  });

  it('picks the hardware decoder for the board when hwaccel is auto', () => {
    assert.equal(hwaccelForBoard('Raspberry Pi 4 Model B Rev 1.4'), 'v4l2m2m');
    assert.equal(hwaccelForBoard('Raspberry Pi Compute Module 4 Rev 1.0'), 'v4l2m2m');
    assert.equal(hwaccelForBoard('Raspberry Pi 5 Model B Rev 1.0'), 'none');
    assert.equal(hwaccelForBoard('NVIDIA Jetson Nano Developer Kit'), 'nvv4l2dec');
    assert.equal(hwaccelForBoard('Standard PC (Q35 + ICH9, 2009)'), 'none');
    assert.equal(
      resolveHwaccel('auto', () => 'NVIDIA Orin Nano Developer Kit'),
      'nvv4l2dec',
    );
    assert.equal(
      resolveHwaccel('vaapi', () => 'Raspberry Pi 4'),
      'vaapi',
    );
  });

  it('builds input arguments from the URL', () => {
    assert.deepEqual(inputArgsForUrl('rtsp://cam/stream1', 'udp'), {
      before: ['-rtsp_transport', 'udp', '-use_wallclock_as_timestamps', '1'],
      input: 'rtsp://cam/stream1',
    });
    assert.deepEqual(inputArgsForUrl('v4l2:///dev/video0', 'tcp'), {
      before: ['-f', 'v4l2'],
      input: '/dev/video0',
    });
    assert.deepEqual(inputArgsForUrl('/dev/video2', 'tcp'), { before: ['-f', 'v4l2'], input: '/dev/video2' });
    assert.deepEqual(inputArgsForUrl('http://cam/video.mjpg', 'tcp').before, [
      '-use_wallclock_as_timestamps',
      '1',
    ]);
    assert.deepEqual(inputArgsForUrl('/media/clip.mp4', 'tcp'), { before: [], input: '/media/clip.mp4' });
    assert.equal(isLiveUrl('/media/clip.mp4'), false);
    assert.equal(isLiveUrl('rtsp://cam/1'), true);
  });
  it('has ffmpeg thin and scale to the detect format before the pipe, as yuv420p, one decoder thread, no deblocking', () => {
    const detect = { width: 640, height: 360, fps: 5 };
    const rtsp = { url: 'rtsp://cam/main', rtsp_transport: 'tcp' as const, input_args: [] };
    const software = ffmpegCaptureArgs(rtsp, detect, 'none');
    const input = software.indexOf('-i');
    assert.deepEqual(software.slice(input - 4, input + 2), [
      '-threads',
      '1',
      '-skip_loop_filter',
      'all',
      '-i',
      'rtsp://cam/main',
    ]);
    // The fps filter drops frames before the scaler sees them; no colour conversion to rgb24.
    assert.deepEqual(software.slice(input + 2), [
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'fps=5,scale=640:360:flags=bilinear',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rawvideo',
      'pipe:1',
    ]);
    assert.ok(!software.includes('-re'), 'a live stream is not paced');
    assert.ok(!software.includes('-skip_frame'), 'every frame is decoded: detection needs them all');

    // On a Pi 3/4: the H.264 block decodes, software threads do not apply.
    const pi = ffmpegCaptureArgs(rtsp, detect, 'v4l2m2m');
    assert.deepEqual(pi.slice(pi.indexOf('-i') - 2, pi.indexOf('-i')), ['-c:v', 'h264_v4l2m2m']);
    assert.ok(!pi.includes('-threads') && !pi.includes('-skip_loop_filter'));
    // The camera's own input_args come last before -i, so they override the defaults.
    const tuned = ffmpegCaptureArgs(
      { ...rtsp, input_args: ['-threads', '2', '-skip_loop_filter', 'default'] },
      detect,
      'none',
    );
    assert.deepEqual(tuned.slice(tuned.indexOf('-i') - 8, tuned.indexOf('-i')), [
      '-threads',
      '1',
      '-skip_loop_filter',
      'all',
      '-threads',
      '2',
      '-skip_loop_filter',
      'default',
    ]);

    const file = fileCaptureArgs(
      { driver: 'file', path: '/media/a.mp4', loop: true, realtime: true },
      detect,
    );
    assert.deepEqual(file.slice(file.indexOf('-i') - 7, file.indexOf('-i') + 2), [
      '-re',
      '-stream_loop',
      '-1',
      '-threads',
      '1',
      '-skip_loop_filter',
      'all',
      '-i',
      '/media/a.mp4',
    ]);
    assert.ok(file.includes('yuv420p') && file.includes('fps=5,scale=640:360:flags=bilinear'));
  });

  it('delivers frames whose luma plane matches their colour pixels', async () => {
    const harness = testSourceOptions(cameraConfig({ driver: 'ffmpeg', url: video, hwaccel: 'none' }));
    const source = createCameraSource(harness.options);
    try {
      for await (const frame of source.frames()) {
        const { luma, data, width, height } = frame;
        assert.ok(luma, 'an ffmpeg camera delivers its Y plane');
        assert.equal(luma.length, width * height);
        assert.equal(data.length, width * height * 3);
        let total = 0;
        for (let i = 0; i < width * height; i++) {
          // BT.601 luma of the converted pixel, back in limited range.
          const gray =
            (77 * (data[3 * i] as number) +
              150 * (data[3 * i + 1] as number) +
              29 * (data[3 * i + 2] as number)) /
            256;
          total += Math.abs(16 + (gray * 219) / 255 - (luma[i] as number));
        }
        assert.ok(
          total / (width * height) < 2,
          `mean luma difference ${(total / (width * height)).toFixed(2)}`,
        );
        break;
      }
    } finally {
      await source.stop();
    }
  });
});
