export { GLOBAL_CHANGE_FRACTION, MotionDetector, type MotionDetectorOptions } from './motionDetector';
