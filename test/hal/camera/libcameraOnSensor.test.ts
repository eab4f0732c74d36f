import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { createCameraSource } from '../../../hal/camera/createCameraSource';
import {
  decodeSensorTensor,
  readSensorDetectionSettings,
  SensorDetectionReader,
} from '../../../hal/camera/libcamera/sensorDetections';
import { tempDir } from '../../helpers/tempDir';
import { cameraConfig, testSourceOptions } from './fixtures/cameraConfig';
import { rpicamMetadataFrame, SSD_CLASSES, ssdTensor, writePostProcessFile } from './fixtures/imx500Metadata';

const dir = tempDir('vigil-camera-imx500-');
const postProcessFile = writePostProcessFile(dir);
const settings = readSensorDetectionSettings(postProcessFile, 'cameras.door.source.post_process_file');
const standIn = resolve('test/hal/camera/fixtures/fakeRpicamVid.sh');

const PERSON = { box: [0.25, 0.1, 0.5, 0.9] as [number, number, number, number], score: 0.82, classIndex: 0 };
const CAR = { box: [0.6, 0.5, 0.95, 0.8] as [number, number, number, number], score: 0.7, classIndex: 2 };

describe('AI Camera (IMX500) detections from rpicam-vid metadata', () => {
  it('reads classes, threshold and max detections from the post-processing file', () => {
    assert.deepEqual(settings, { classes: SSD_CLASSES, threshold: 0.6, maxDetections: 5 });
  });

  it('refuses a post-processing file without an IMX500 detection stage (Hailo) or a missing one, naming the setting', () => {
    const hailo = join(dir, 'hailo_yolov8_inference.json');
    writeFileSync(hailo, JSON.stringify({ hailo_yolo_inference: { hef_file: 'yolov8s.hef' } }));
    assert.throws(
      () => readSensorDetectionSettings(hailo, 'cameras.door.source.post_process_file'),
      /cameras\.door\.source\.post_process_file: .*hailo_yolov8_inference\.json has no imx500_object_detection stage/,
    );
    assert.throws(
      () => readSensorDetectionSettings(join(dir, 'nope.json'), 'cameras.door.source.post_process_file'),
      /nope\.json does not exist — install imx500-all/,
    );
  });

  it('decodes the planar SSD tensor: boxes from y0/x0/y1/x1 planes, threshold, unused ids, the valid count', () => {
    const weak = { box: [0, 0, 0.1, 0.1] as [number, number, number, number], score: 0.3, classIndex: 0 };
    const unused = { box: [0, 0, 0.2, 0.2] as [number, number, number, number], score: 0.9, classIndex: 9 };
    const detections = decodeSensorTensor(ssdTensor([CAR, PERSON, weak, unused]), settings);
    assert.deepEqual(
      detections?.map((d) => ({
        label: d.label,
        score: d.score,
        box: d.box.map((v) => Math.round(v * 100) / 100),
      })),
      [
        { label: 'person', score: 0.82, box: [0.25, 0.1, 0.5, 0.9] },
        { label: 'car', score: 0.7, box: [0.6, 0.5, 0.95, 0.8] },
      ],
    );
    // Only the first `count` slots are valid, whatever the others hold.
    const tensor = ssdTensor([PERSON, CAR]);
    tensor[tensor.length - 1] = 1;
    assert.equal(decodeSensorTensor(tensor, settings)?.length, 1);
    assert.equal(decodeSensorTensor([1, 2, 3], settings), null, 'a tensor of another shape');
  });

  it('follows the metadata stream in any chunking, keeps the last tensor on frames without one, drops an over-long line', () => {
    const reader = new SensorDetectionReader(settings);
    const text = `[\n${rpicamMetadataFrame(ssdTensor([PERSON]))},\n${rpicamMetadataFrame(null)},\n`;
    for (let i = 0; i < text.length; i += 7) reader.push(text.slice(i, i + 7));
    assert.equal(reader.frames(), 2);
    assert.equal(reader.latest()?.[0]?.label, 'person');
    reader.push(`    "CnnOutputTensor": [ ${'0.5, '.repeat(100_000)}0.5 ]\n`);
    assert.equal(reader.latest()?.[0]?.label, 'person', 'the over-long line was parsed');
    reader.push(`${rpicamMetadataFrame(ssdTensor([CAR]))},\n`);
    assert.equal(reader.latest()?.[0]?.label, 'car');
  });

  it('the libcamera driver passes the file to rpicam-vid, reads its metadata pipe, and its frames carry the detections', async () => {
    const replay = join(dir, 'frame.json');
    writeFileSync(replay, rpicamMetadataFrame(ssdTensor([PERSON, CAR])));
    const binary = join(dir, 'rpicam-vid');
    writeFileSync(
      binary,
      `#!/bin/sh\necho "$@" > "$0.args"\nexec sh '${standIn}' --replay-metadata '${replay}' "$@"\n`,
    );
    chmodSync(binary, 0o755);
    const config = cameraConfig(
      {
        driver: 'libcamera',
        binary,
        post_process_file: postProcessFile,
        width: 320,
        height: 240,
        framerate: 10,
      },
      { width: 160, height: 120, fps: 10 },
    );
    const source = createCameraSource(testSourceOptions(config).options);
    try {
      let seen = 0;
      for await (const frame of source.frames()) {
        assert.equal(frame.data.length, 160 * 120 * 3);
        assert.ok(Array.isArray(frame.detections), 'a frame without on-sensor detections');
        if ((frame.detections?.length ?? 0) > 0) {
          assert.deepEqual(
            frame.detections?.map((d) => d.label),
            ['person', 'car'],
          );
          if (++seen >= 3) break;
        }
      }
      assert.match(
        readFileSync(`${binary}.args`, 'utf8'),
        new RegExp(
          `--nopreview --post-process-file ${postProcessFile} --metadata /tmp/vigil-rpicam-[^/]+/metadata.json --metadata-format json`,
        ),
      );
    } finally {
      await source.stop();
    }
  });

  it('a post-processing file that is missing keeps the camera offline, saying which setting and what to install', async () => {
    const config = cameraConfig({
      driver: 'libcamera',
      binary: join(dir, 'rpicam-vid'),
      post_process_file: join(dir, 'not-installed.json'),
    });
    const harness = testSourceOptions(config);
    const source = createCameraSource(harness.options);
    const consumer = (async () => {
      for await (const _frame of source.frames()) {
        // Never reached: the camera cannot start.
      }
    })();
    try {
      const offline = await harness.waitForStatus((status) => status.state === 'offline');
      assert.match(
        offline.reason ?? '',
        /cameras\.test\.source\.post_process_file: .*not-installed\.json does not exist — install imx500-all/,
      );
    } finally {
      await source.stop();
      await consumer;
    }
  });
});
