import { readDeviceFigures } from '../../system/deviceFigures';
import type { MqttContext } from '../mqttContext';

/** `<base>/state`: the device figures plus the sync's backlog, as HA's device sensors read them. */
export interface DeviceState {
  cpu_temperature: number | null;
  cpu_load: number | null;
  memory_used_percent: number | null;
  disk_used_percent: number | null;
  /** Events waiting for the central server's acknowledgement. */
  backlog: number;
  /** Age of the oldest of them: how far behind the central server is. */
  backlog_age_seconds: number;
  uptime_seconds: number;
}

export async function readDeviceState(context: Pick<MqttContext, 'config' | 'sync'>): Promise<DeviceState> {
  const figures = await readDeviceFigures(context.config.data_dir);
  const sync = context.sync();
  return {
    ...figures,
    backlog: sync.backlog,
    backlog_age_seconds: Math.round(sync.oldest_age_seconds),
    uptime_seconds: Math.round(process.uptime()),
  };
}
