/** Region-based detection: where to run the detector on a frame, and how to put the results together. */
export { type DetectionRegionOptions, detectionRegions, wholeFrame } from './detectionRegions';
export { mapToFrame, regionToBox } from './mapToFrame';
export { mergeDetections } from './mergeDetections';
export { minRegionSide } from './squareRegion';
export { isDueForRecheck, type RegionTrack, trackRegionBoxes } from './trackRegionBoxes';
