/** Browser code for the minimal status page (plain ES2020, no build step, no external requests). */
export const STATUS_PAGE_SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);

function text(tag, value, attrs) {
  const el = document.createElement(tag);
  el.textContent = value;
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  return el;
}

function formatUptime(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  return (d ? d + 'd ' : '') + (h ? h + 'h ' : '') + m + 'm ' + (seconds % 60) + 's';
}

function render(health) {
  $('device').textContent = health.device.name;
  document.title = health.device.name + ' — Vigil';
  $('overall').textContent = health.status;
  $('overall').dataset.state = health.status;
  $('problem').hidden = true;
  const facts = {
    'Device id': health.device.id,
    Version: health.version,
    Board: health.board.model + ' (' + health.board.arch + ')',
    'CPU temperature': health.board.cpuTemperatureC === null ? 'not reported' : health.board.cpuTemperatureC + ' °C',
    Uptime: formatUptime(health.uptime_seconds),
  };
  $('facts').replaceChildren(...Object.entries(facts).flatMap(([k, v]) => [text('dt', k), text('dd', String(v))]));
  $('services').replaceChildren(
    ...health.services.map((s) => {
      const row = document.createElement('tr');
      row.dataset.service = s.name;
      const detail = s.error
        ? s.error
        : Object.entries(s.detail || {})
            .map(([k, v]) => k.replace(/_/g, ' ') + ': ' + (v === null ? '—' : v))
            .join(' · ');
      const state = document.createElement('td');
      state.append(text('span', s.state, { class: 'badge', 'data-state': s.state }));
      row.append(text('td', s.name), state, text('td', detail, { class: 'detail' }));
      return row;
    }),
  );
}

async function refresh() {
  try {
    const response = await fetch('/api/v1/health', { cache: 'no-store' });
    render(await response.json());
  } catch (err) {
    $('overall').textContent = 'unreachable';
    $('overall').dataset.state = 'failed';
    $('problem').textContent = 'Cannot reach the appliance (' + err.message + '). Check that vigil is running: journalctl -u vigil';
    $('problem').hidden = false;
  }
}

refresh();
setInterval(refresh, 2000);
`;
