/** The camera HAL: the interface every driver implements and the factory that picks one. */
export { CAMERA_DRIVERS, createCameraSource } from './createCameraSource';
export { type CameraSourceTiming, DEFAULT_CAMERA_TIMING } from './timing';
export type { CameraSource, CameraSourceOptions, CameraSourceStats, CameraStatus, Frame } from './types';
