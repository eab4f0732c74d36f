import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FaceAnalyzer } from '../../../runtime/faces/faceAnalyzer';
import { FACE_MODEL_ENGINE, FaceModelRunner } from '../../../runtime/faces/faceModelRunner';
import { memoryLogger } from '../../helpers/memoryLogger';
import { portrait, sampleCell } from './faceImages';
import { rgb, sharedRunner } from './facesKit';

describe('face models on onnxruntime (FaceModelRunner)', () => {
  const onnx = new FaceModelRunner(memoryLogger().logger);
  after(() => onnx.close());
  const tfjs = sharedRunner();

  it('finds the same faces and gives the same descriptors as TensorFlow.js on wasm, on real photos', async () => {
    const viaOnnx = new FaceAnalyzer(onnx, { minFaceSize: 40 });
    const viaTfjs = new FaceAnalyzer(tfjs, { minFaceSize: 40 });
    for (const photo of [await portrait(0), await portrait(3), await sampleCell(1)]) {
      const image = await rgb(photo);
      const [onnxFaces, tfjsFaces] = [await viaOnnx.detect(image), await viaTfjs.detect(image)];
      assert.equal(onnxFaces.length, tfjsFaces.length);
      const [face, same] = [onnxFaces[0], tfjsFaces[0]];
      assert.ok(face && same, 'a face in each photo');
      for (const key of ['x1', 'y1', 'x2', 'y2'] as const) {
        assert.ok(
          Math.abs(face.cropBox[key] - same.cropBox[key]) <= 1,
          `${key}: ${face.cropBox[key]} vs ${same.cropBox[key]}`,
        );
      }
      const [a, b] = [await viaOnnx.embed(image, face.cropBox), await viaTfjs.embed(image, face.cropBox)];
      let cosine = 0;
      for (const [i, value] of a.entries()) cosine += value * (b[i] ?? 0);
      // Faces enrolled with one (`vigil faces enroll` runs TensorFlow.js) match on the other.
      assert.ok(cosine > 0.9999, `descriptor cosine ${cosine}`);
    }
  });

  it('runs on onnxruntime on one core without its memory arena', () => {
    assert.deepEqual(FACE_MODEL_ENGINE, {
      engine: 'onnx',
      executionProvider: 'cpu',
      intraOpThreads: 1,
      memoryArena: false,
    });
  });
});
