export { MotionDetector } from './motionDetector';
