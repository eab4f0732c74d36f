import { errorText, refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, busy, h, replace } from '../dom';
import { ago, cause, clock } from '../format';
import type { Gpio, OutputState } from '../types';
import { empty, panel } from './panel';

const REFRESH_MS = 5000;

/**
 * GPIO outputs (siren, relay) with their state and off/silence controls
 * (`POST /api/v1/gpio/:name` `{ action: off|silence }`), and inputs (`GET /api/v1/gpio`).
 */
export function gpioPanel(ctx: PanelContext): PanelModule {
  const p = panel('gpio-panel', 'Outputs and sensors');
  const gpio = ctx.resource(() => ctx.api.get<Gpio>('/api/v1/gpio'), REFRESH_MS);

  const drive = (button: HTMLButtonElement, output: OutputState, action: 'off' | 'silence') =>
    busy(button, async () => {
      try {
        await ctx.api.send('POST', `/api/v1/gpio/${encodeURIComponent(output.name)}`, { action });
        p.error(null);
        await gpio.refresh();
      } catch (err) {
        p.error(errorText(err));
      }
    });

  const outputItem = (output: Gpio['outputs'][number]): HTMLElement => {
    if ('error' in output) {
      // The output could not be opened (wrong pin, missing permission): say why instead of a state.
      return h(
        'li',
        { class: 'output', 'data-output': output.name, 'data-on': 'false' },
        h('strong', null, output.name),
        ' ',
        badge('unavailable', 'failed'),
        h('div', { class: 'muted' }, output.error),
      );
    }
    const silenced = output.silenced_until !== null && output.silenced_until > Date.now();
    const off = h('button', { type: 'button', class: 'secondary small' }, 'Off');
    off.addEventListener('click', () => void drive(off, output, 'off'));
    const silence = h('button', { type: 'button', class: 'small' }, 'Silence');
    silence.addEventListener('click', () => void drive(silence, output, 'silence'));
    const state = output.active ? badge('ON', 'failed') : badge('off', 'idle');
    return h(
      'li',
      { class: 'output', 'data-output': output.name, 'data-on': output.active ? 'true' : 'false' },
      h('strong', null, output.name),
      ' ',
      state,
      silenced ? [' ', badge(`silenced until ${clock(output.silenced_until ?? 0)}`, 'warn')] : null,
      h(
        'div',
        { class: 'muted' },
        output.active && output.active_since
          ? `on since ${clock(output.active_since)}${output.activated_by ? ` by ${cause(output.activated_by)}` : ''}${output.active_until ? `, until ${clock(output.active_until)}` : ''}`
          : `${output.driver} pin ${output.pin}, on at most ${output.max_on_seconds} s`,
      ),
      h('div', { class: 'actions' }, output.active ? off : null, silence),
    );
  };

  gpio.subscribe(({ data, error }) => {
    p.error(refreshError(error));
    if (!data) return;
    if (data.outputs.length === 0 && data.inputs.length === 0) {
      p.show(empty('No GPIO configured.', 'A siren or relay goes under gpio: in /etc/vigil/config.yaml.'));
      return;
    }
    const outputs = h('ul', { id: 'outputs', class: 'outputs' }, data.outputs.map(outputItem));
    const inputs = data.inputs.length
      ? h(
          'ul',
          { class: 'inputs' },
          data.inputs.map((input) =>
            h(
              'li',
              { 'data-input': input.name },
              h('strong', null, input.name),
              input.sensor ? ` (${input.sensor})` : '',
              ' ',
              input.active ? badge('active', 'warn') : badge('idle', 'idle'),
              input.last_change ? h('span', { class: 'muted' }, ` changed ${ago(input.last_change)}`) : null,
            ),
          ),
        )
      : null;
    const body = h('div');
    replace(
      body,
      data.outputs.length ? [h('h3', null, 'Outputs'), outputs] : null,
      inputs ? [h('h3', null, 'Sensors'), inputs] : null,
    );
    p.show(body);
  });

  return {
    section: p.section,
    onState(message) {
      if (message.topic === 'gpio.state') void gpio.refresh();
    },
  };
}
