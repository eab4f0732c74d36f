import type { Metrics } from '../metrics/metrics';
import type { PipelineStats } from './pipelineStats';

/** The `/api/v1/stats` figures as Prometheus gauges, read when scraped. */
export function registerPipelineMetrics(metrics: Metrics, stats: () => PipelineStats): void {
  metrics.gauge({
    name: 'vigil_camera_fps',
    help: 'Frames per second per camera: received (camera), examined (process), dropped (skipped), detector runs (detection)',
    labelNames: ['camera', 'kind'],
    collect() {
      for (const [camera, c] of Object.entries(stats().cameras)) {
        this.set({ camera, kind: 'camera' }, c.camera_fps);
        this.set({ camera, kind: 'process' }, c.process_fps);
        this.set({ camera, kind: 'skipped' }, c.skipped_fps);
        this.set({ camera, kind: 'detection' }, c.detection_fps);
      }
    },
  });
  metrics.gauge({
    name: 'vigil_camera_online',
    help: '1 while the camera delivers frames',
    labelNames: ['camera'],
    collect() {
      for (const [camera, c] of Object.entries(stats().cameras)) this.set({ camera }, c.online ? 1 : 0);
    },
  });
  metrics.gauge({
    name: 'vigil_detector_inference_seconds',
    help: 'Moving average of one detector inference, in seconds (Frigate: inference_speed, in ms)',
    labelNames: ['detector'],
    collect() {
      for (const [detector, d] of Object.entries(stats().detectors))
        if (d.inference_speed !== null) this.set({ detector }, d.inference_speed / 1000);
    },
  });
  metrics.gauge({
    name: 'vigil_face_recognition_seconds',
    help: 'Moving average of recognising the faces in one person crop, in seconds',
    collect() {
      const speed = stats().faces.recognition_speed;
      if (speed !== null) this.set(speed / 1000);
    },
  });
}
