import type { Counter } from 'prom-client';
import type { Metrics } from '../metrics/metrics';
import type { ConnectionStatus } from './mqttConnection';
import type { SyncStatus } from './sync/syncStatus';

/** Counters the sync worker increments. */
export interface SyncMetrics {
  synced: Counter;
  dropped: Counter<'severity'>;
  resends: Counter<'reason'>;
  /** Acks not taken: forged, stale, retained, or for another batch. */
  ignoredAcks: Counter;
}

/** Registers the MQTT link's metrics once per app; gauges read the current state at scrape time. */
export function registerMqttMetrics(
  metrics: Metrics,
  read: { connection: () => ConnectionStatus | null; sync: () => SyncStatus | null },
): SyncMetrics {
  metrics.gauge({
    name: 'vigil_mqtt_connected',
    help: '1 while connected to the MQTT broker',
    collect() {
      this.set(read.connection()?.connected ? 1 : 0);
    },
  });
  // A count that only grows (the client keeps it): a counter, so rate() and increase() apply.
  metrics.counter({
    name: 'vigil_mqtt_reconnects_total',
    help: 'Reconnect attempts to the MQTT broker since start',
    collect() {
      this.reset();
      this.inc(read.connection()?.reconnects ?? 0);
    },
  });
  const syncGauge = (name: `vigil_${string}`, help: string, value: (s: SyncStatus) => number) =>
    metrics.gauge({
      name,
      help,
      collect() {
        const status = read.sync();
        this.set(status ? value(status) : 0);
      },
    });
  syncGauge('vigil_mqtt_outbox_backlog', 'Events waiting for the central server', (s) => s.backlog);
  syncGauge('vigil_mqtt_outbox_backlog_bytes', 'Bytes of events waiting', (s) => s.backlog_bytes);
  syncGauge(
    'vigil_mqtt_sync_lag_seconds',
    'Age of the oldest event waiting for the central server',
    (s) => s.oldest_age_seconds,
  );
  return {
    synced: metrics.counter({
      name: 'vigil_mqtt_synced_total',
      help: 'Events the central server acknowledged',
    }),
    dropped: metrics.counter({
      name: 'vigil_mqtt_outbox_dropped_total',
      help: 'Events dropped from a full outbox, by severity',
      labelNames: ['severity'],
    }),
    resends: metrics.counter({
      name: 'vigil_mqtt_batch_resends_total',
      help: 'Batches sent again: no ack in time, the link dropped while waiting, or the central server rejected it',
      labelNames: ['reason'],
    }),
    ignoredAcks: metrics.counter({
      name: 'vigil_mqtt_acks_ignored_total',
      help: 'Acks not taken: unsigned, badly signed, retained, or not for the batch in flight',
    }),
  };
}
