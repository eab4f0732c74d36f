import type { PipelineStats } from '../../pipeline/pipelineStats';
import type { DeviceFigures } from '../../system/deviceFigures';

/** `GET /api/v1/stats`: the pipeline's figures, with how the board is doing. */
export type StatsResponse = Omit<PipelineStats, 'service'> & {
  service: PipelineStats['service'] &
    DeviceFigures & {
      uptime_seconds: number;
      cpu_throttled: boolean | null;
      throttle_flags: string[] | null;
      board: { model: string; arch: string };
    };
};
