import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  listSegments,
  parseSegmentFileName,
  planRecording,
  prepareRingDir,
  RecordingConfigError,
  segmentFileName,
} from '../../../../hal/camera/recording/index';
import { copyRecorderArgs, encodeRecorderArgs } from '../../../../hal/camera/recording/recorderArgs';
import { describeRunEnd, ffmpegMessage, isDiskFull } from '../../../../hal/camera/recording/runEnd';
import { parseSegmentList } from '../../../../hal/camera/recording/segmentList';
import { StreamClock } from '../../../../hal/camera/recording/streamClock';
import { tempDir } from '../../../helpers/tempDir';
import { recordConfig } from './recordingKit';

const dir = tempDir('vigil-recording-files-');
const output = {
  pattern: '/ring/front/partial-x-%06d.ts',
  listFile: '/ring/front/partial-x.csv',
  segmentSeconds: 2,
};

describe('segment file names', () => {
  it('carry the wall-clock start and end and read back', () => {
    const name = segmentFileName(1_795_000_000_000, 1_795_000_002_000);
    assert.equal(name, '1795000000000-1795000002000.ts');
    assert.deepEqual(parseSegmentFileName(name), {
      startedAt: 1_795_000_000_000,
      endedAt: 1_795_000_002_000,
    });
    for (const other of [
      'partial-x-000001.ts',
      'partial-x.csv',
      '2-1.ts',
      '1-2.mp4',
      'a-b.ts',
      '1-2.ts.part',
    ])
      assert.equal(parseSegmentFileName(other), undefined, other);
    assert.throws(() => segmentFileName(5, 4), /invalid segment times 5\.\.4/);
    assert.throws(() => segmentFileName(1.5, 4), RangeError);
  });

  it('listSegments reads the finished segments back, oldest first, and prepareRingDir removes only unfinished files', () => {
    const ring = join(dir, 'ring');
    assert.deepEqual(listSegments('front', ring), [], 'a missing directory is an empty ring');
    prepareRingDir(ring);
    writeFileSync(join(ring, segmentFileName(3000, 5000)), 'bb');
    writeFileSync(join(ring, segmentFileName(1000, 3000)), 'a');
    writeFileSync(join(ring, 'partial-k1-000004.ts'), 'half');
    writeFileSync(join(ring, 'partial-k1.csv.tmp'), '');
    writeFileSync(join(ring, 'notes.txt'), 'not ours');
    assert.deepEqual(listSegments('front', ring), [
      { camera: 'front', file: join(ring, '1000-3000.ts'), startedAt: 1000, endedAt: 3000, bytes: 1 },
      { camera: 'front', file: join(ring, '3000-5000.ts'), startedAt: 3000, endedAt: 5000, bytes: 2 },
    ]);
    assert.deepEqual(prepareRingDir(ring).sort(), ['partial-k1-000004.ts', 'partial-k1.csv.tmp']);
    assert.ok(existsSync(join(ring, 'notes.txt')), 'files that are not ours are left alone');
    assert.equal(listSegments('front', ring).length, 2);
  });
});

describe('segment list and stream clock', () => {
  it('parses complete CSV lines, quoted names included, and leaves a torn last line for later', () => {
    const text =
      'partial-a-000000.ts,0.000000,2.200000\n"odd,name.ts",2.200000,4.200000\npartial-a-000002.ts,4.2';
    assert.deepEqual(parseSegmentList(text), [
      { file: 'partial-a-000000.ts', start: 0, end: 2.2 },
      { file: 'odd,name.ts', start: 2.2, end: 4.2 },
    ]);
    assert.deepEqual(parseSegmentList(''), []);
  });

  it('anchors stream time to the earliest moment a line could have been written', () => {
    const clock = new StreamClock(10_000);
    assert.equal(clock.toWall(1), 11_000, 'before any line: ffmpeg start time');
    clock.observe(2, 12_300); // seen late (a busy event loop)
    clock.observe(4, 14_050); // seen promptly: the tighter bound wins
    clock.observe(6, 16_400);
    assert.equal(clock.toWall(0), 10_050);
    assert.equal(clock.toWall(2.5), 12_550);
    clock.setOrigin(10_020); // encode mode: first frame written at 10 020
    assert.equal(clock.toWall(0), 10_020);
    clock.setOrigin(10_500);
    assert.equal(clock.toWall(0), 10_020, 'only the first frame counts');
  });
});

describe('recording plan and ffmpeg arguments', () => {
  it('copies encoded sources and encodes raw ones, in hardware when the board has the encoder', () => {
    const file = recordConfig({ driver: 'file', path: '/v.mp4' });
    assert.deepEqual(planRecording('front', file), { mode: 'copy', encoder: 'copy' });
    const rtsp = recordConfig({ driver: 'ffmpeg', url: 'rtsp://cam/stream' }, { encoder: 'libx264' });
    assert.deepEqual(
      planRecording('front', rtsp),
      { mode: 'copy', encoder: 'copy' },
      'never re-encodes a camera stream',
    );
    const sim = recordConfig({ driver: 'sim' });
    assert.deepEqual(
      planRecording('front', sim, () => true),
      { mode: 'encode', encoder: 'h264_v4l2m2m' },
    );
    assert.deepEqual(
      planRecording('front', sim, () => false),
      { mode: 'encode', encoder: 'libx264' },
    );
    const forced = recordConfig({ driver: 'libcamera' }, { encoder: 'libx264' });
    assert.deepEqual(
      planRecording('front', forced, () => true),
      { mode: 'encode', encoder: 'libx264' },
    );
    assert.throws(
      () => planRecording('back', recordConfig({ driver: 'libcamera' }, { encoder: 'copy' })),
      (error: Error) =>
        error instanceof RecordingConfigError && /^cameras\.back\.record\.encoder: /.test(error.message),
    );
  });

  it('reuses the capture input arguments for an RTSP camera and paces files', () => {
    const rtsp = recordConfig({
      driver: 'ffmpeg',
      url: 'rtsp://user:pw@cam/stream',
      rtsp_transport: 'udp',
      input_args: ['-fflags', '+discardcorrupt'],
    }).source;
    assert.equal(rtsp.driver, 'ffmpeg');
    const args = copyRecorderArgs(rtsp as Extract<typeof rtsp, { driver: 'ffmpeg' }>, output).join(' ');
    assert.match(
      args,
      /-rtsp_transport udp -use_wallclock_as_timestamps 1 -fflags \+discardcorrupt -i rtsp:\/\/user:pw@cam\/stream/,
    );
    assert.doesNotMatch(args, /-re /, 'a live stream is not paced');
    assert.match(args, /-map 0:v:0 -c:v copy -an /);
    assert.match(
      args,
      /-f segment -segment_time 2 -segment_format mpegts -reset_timestamps 1 -segment_list \/ring\/front\/partial-x\.csv -segment_list_type csv/,
    );
    assert.doesNotMatch(args, /-nostdin/, 'stdin stays open for q');

    const file = recordConfig({ driver: 'file', path: '/v.mp4', loop: true, realtime: true }).source;
    const fileArgs = copyRecorderArgs(file as Extract<typeof file, { driver: 'file' }>, output).join(' ');
    assert.match(fileArgs, /-re -stream_loop -1 -i \/v\.mp4/);
  });

  it('encodes raw frames with wall-clock timestamps and a keyframe at every segment boundary', () => {
    const args = encodeRecorderArgs('libx264', { width: 640, height: 360, fps: 5 }, output).join(' ');
    assert.match(
      args,
      /-f rawvideo -pix_fmt rgb24 -video_size 640x360 .*-use_wallclock_as_timestamps 1 .*-i pipe:0/,
    );
    assert.match(
      args,
      /-fps_mode passthrough -pix_fmt yuv420p -c:v libx264 -preset ultrafast -tune zerolatency -x264-params fps=5/,
    );
    assert.match(
      args,
      /-force_key_frames expr:if\(isnan\(prev_forced_t\),gte\(t,2\),gte\(t-prev_forced_t,2\)\)/,
    );
    assert.match(
      encodeRecorderArgs('h264_v4l2m2m', { width: 640, height: 360, fps: 5 }, output).join(' '),
      /-c:v h264_v4l2m2m/,
    );
  });
});

describe('ffmpeg exit reasons', () => {
  it('names the signal or code, the last thing ffmpeg said, and what to check', () => {
    const base = {
      spawnError: undefined,
      command: 'ffmpeg',
      hint: 'check cameras.front.source.url (rtsp://u:***@cam)',
    };
    assert.equal(
      describeRunEnd({
        ...base,
        exitCode: 1,
        signal: null,
        stderrLines: ['[rtsp @ 0x55d0aa] Connection refused'],
      }),
      'ffmpeg recorder exited (code 1): Connection refused — check cameras.front.source.url (rtsp://u:***@cam)',
    );
    assert.equal(
      describeRunEnd({ ...base, exitCode: null, signal: 'SIGKILL', stderrLines: [] }),
      'ffmpeg recorder was killed by SIGKILL — check cameras.front.source.url (rtsp://u:***@cam)',
    );
    const full = ['av_interleaved_write_frame(): No space left on device', 'Conversion failed!'];
    assert.ok(isDiskFull(full));
    assert.match(
      describeRunEnd({ ...base, exitCode: 1, signal: null, stderrLines: full }),
      /: av_interleaved_write_frame\(\): No space left on device — free space on the ring file system$/,
    );
    const enoent = Object.assign(new Error('spawn ffmpeg ENOENT'), { code: 'ENOENT' });
    assert.match(
      describeRunEnd({ ...base, exitCode: null, signal: null, spawnError: enoent, stderrLines: [] }),
      /^ffmpeg is not installed — install the Debian package ffmpeg/,
    );
    assert.equal(
      ffmpegMessage("[segment @ 0x5647] Failure occurred when ending segment 'x.ts'"),
      "Failure occurred when ending segment 'x.ts'",
    );
  });
});
