/** Output decoders of object-detection models: raw tensors in, `Detection`s (boxes 0..1 of the model input) out. */

export { nonMaxSuppression } from '../../base/nonMaxSuppression';
export { decodeCenternet } from './centernet';
export { clampBox } from './clampBox';
export { decodeYolo, type YoloDecodeOptions, type YoloLayout, yoloLayout } from './yolo';
