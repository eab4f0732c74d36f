/** Object-detection accelerators: the ObjectDetector interface, its factory, and model runners. */
export { createDetector, DETECTOR_TYPES, type DetectorDeps } from './createDetector';
export { DEFAULT_DETECTION_FILTER, type DetectionFilter } from './detectors/detectionFilter';
export { InProcessRunner } from './tfjs/inProcessRunner';
export type * from './types';
export { WorkerModelRunner, type WorkerModelRunnerOptions } from './worker/workerModelRunner';
