import type { PanelContext, PanelModule } from '../context';
import { badge, facts, h } from '../dom';
import { ago, bytes, clock, duration } from '../format';
import type { MqttHealth } from '../types';
import { empty, panel } from './panel';

/**
 * Sync to the central server over MQTT: connected, backlog size and age, last ack — the `mqtt`
 * service's detail in `GET /api/v1/health`.
 */
export function syncPanel(ctx: PanelContext): PanelModule {
  const p = panel('sync-panel', 'Sync');
  ctx.health.subscribe(({ data }) => {
    // The open health (before the full one is in) has no service details.
    if (!data || !('board' in data)) return;
    const service = data.services.find((s) => s.name === 'mqtt');
    if (!service) {
      p.show(empty('This appliance has no MQTT sync.'));
      return;
    }
    // The service's health detail is typed loosely in ServiceStatus; this service's is MqttHealth.
    const mqtt = (service.detail ?? { enabled: false }) as MqttHealth;
    if (!mqtt.enabled) {
      p.show(
        empty('MQTT sync is off: events stay on this appliance.', [
          'To forward them to a central server or Home Assistant, set ',
          h('code', null, 'mqtt.url'),
          ' in /etc/vigil/config.yaml.',
        ]),
      );
      return;
    }
    const sync = mqtt.sync;
    p.show(
      facts(
        [
          [
            'Broker',
            [
              mqtt.connected
                ? badge('connected', 'ok', { id: 'mqtt-state' })
                : badge('disconnected', 'failed', { id: 'mqtt-state' }),
              ' ',
              h('span', { class: 'muted' }, mqtt.url),
            ],
          ],
          ['Since', mqtt.since ? `${clock(mqtt.since)} (${ago(mqtt.since)})` : null],
          ['Last error', mqtt.connected ? null : (mqtt.last_error ?? null)],
          ['Reconnects', mqtt.reconnects ?? null],
          [
            'Backlog',
            sync
              ? h(
                  'span',
                  { id: 'sync-backlog' },
                  sync.backlog === 0
                    ? 'empty — everything is acknowledged'
                    : `${sync.backlog} event${sync.backlog === 1 ? '' : 's'} (${bytes(sync.backlog_bytes)}), oldest ${duration(sync.oldest_age_seconds)} old`,
                )
              : 'sync to a central server is off',
          ],
          [
            'Last ack',
            sync
              ? sync.last_ack_at
                ? `${clock(sync.last_ack_at)} (${ago(sync.last_ack_at)})`
                : 'none yet'
              : null,
          ],
          ['Acknowledged', sync ? sync.acked : null],
          ['Dropped (outbox full)', sync?.dropped ? badge(String(sync.dropped), 'failed') : null],
          ['Service', service.state === 'running' ? null : [badge(service.state), ' ', service.error ?? '']],
        ],
        { id: 'sync-facts' },
      ),
    );
  });
  return { section: p.section };
}
