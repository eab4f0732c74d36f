/** Region-based detection: where to run the detector on a frame, and how to put the results together. */
export { detectionRegions } from './detectionRegions';
export { FullFramePass, fullFrameTiles } from './fullFramePass';
export { mapToFrame, regionToBox } from './mapToFrame';
export { mergeDetections } from './mergeDetections';

export { isDueForRecheck, trackRegionBoxes } from './trackRegionBoxes';
