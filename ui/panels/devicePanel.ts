import { refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, type Child, facts, h } from '../dom';
import { duration, num } from '../format';
import type { FullHealth, Health, ServiceStatus, Stats } from '../types';
import { panel } from './panel';

/**
 * Device and board: model, uptime, CPU temperature and throttling, CPU load, memory, disk
 * (`GET /api/v1/stats` → `service`, falling back to `GET /api/v1/health`), and every service's state.
 */
export function devicePanel(ctx: PanelContext): PanelModule {
  const p = panel('device-panel', 'Device');
  const render = () => {
    // The full health (logged in); the open one has nothing for this panel.
    const health = fullHealth(ctx.health.data);
    const stats = ctx.stats.data;
    if (!health && !stats) return;
    p.show(deviceFacts(health, stats), health ? servicesTable(health.services) : null);
  };
  ctx.health.subscribe(render);
  ctx.stats.subscribe((state) => {
    const failure = refreshError(state.error);
    p.error(failure ? `Figures unavailable: ${failure}` : null);
    render();
  });
  return { section: p.section };
}

function fullHealth(health: Health | undefined): FullHealth | undefined {
  return health && 'board' in health ? health : undefined;
}

function deviceFacts(health: FullHealth | undefined, stats: Stats | undefined): HTMLElement {
  const service: Partial<Stats['service']> = stats?.service ?? {};
  const board = service.board ?? health?.board;
  const uptime = service.uptime_seconds ?? health?.uptime_seconds ?? service.uptime;
  const temperature = service.cpu_temperature ?? health?.board.cpuTemperatureC ?? null;
  return facts(
    [
      ['Device', health ? `${health.device.name} (${health.device.id})` : null],
      ['Board', board ? h('span', { id: 'board-model' }, `${board.model} (${board.arch})`) : null],
      ['Version', service.version ?? health?.version ?? null],
      ['Uptime', uptime === undefined ? null : h('span', { id: 'uptime' }, duration(uptime))],
      ['CPU temperature', temperatureView(temperature, service.cpu_throttled, service.throttle_flags)],
      ['CPU load', percent(service.cpu_load, 'cpu-load')],
      ['Memory', percent(service.memory_used_percent, 'memory')],
      ['Disk', percent(service.disk_used_percent, 'disk')],
    ],
    { id: 'device-facts' },
  );
}

function temperatureView(
  celsius: number | null,
  throttled: boolean | null | undefined,
  flags: string[] | null | undefined,
): Child[] {
  const parts: Child[] = [celsius === null ? 'not reported by this board' : `${num(celsius)} °C`];
  if (throttled === true)
    parts.push(' ', badge(`throttled${flags?.length ? `: ${flags.join(', ')}` : ''}`, 'failed'));
  else if (throttled === false) parts.push(' ', badge('not throttled', 'ok'));
  else if (flags?.length) parts.push(' ', badge(flags.join(', '), 'warn'));
  return parts;
}

/** A percentage as a meter (red from 90 %) and its figure; null when not reported (row left out). */
function percent(value: number | null | undefined, id: string): Child[] | null {
  if (value === null || value === undefined) return null;
  return [
    h(
      'span',
      { class: 'percent' },
      h('meter', { id, min: 0, max: 100, low: 70, high: 90, optimum: 10, value: value.toFixed(1) }),
      ` ${num(value)} %`,
    ),
  ];
}

function servicesTable(services: ServiceStatus[]): HTMLElement {
  return h(
    'table',
    { class: 'services' },
    h('caption', null, 'Services'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'State'))),
    h(
      'tbody',
      { id: 'services' },
      services.map((s) =>
        h(
          'tr',
          { 'data-service': s.name },
          h('td', null, s.name, s.error ? h('div', { class: 'detail' }, s.error) : null),
          h('td', null, badge(s.state)),
        ),
      ),
    ),
  );
}
