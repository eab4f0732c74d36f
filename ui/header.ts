import { errorText } from './api';
import type { PanelContext, PanelModule } from './context';
import { byId, h, replace } from './dom';
import { ago, cause, clock } from './format';
import type { Alarm } from './types';

/**
 * The alarm mode switch in the header: one button per mode (`GET /api/v1/alarm`), the current one
 * pressed; a press sets it (`PUT /api/v1/alarm`). Live `alarm.mode` messages keep it current.
 */
export function alarmSwitch(ctx: PanelContext): PanelModule {
  const root = byId('alarm');
  const alarm = ctx.resource(() => ctx.api.get<Alarm>('/api/v1/alarm'), 15_000);
  const group = h('div', { class: 'segmented', role: 'group', 'aria-labelledby': 'alarm-label' });
  const note = h('span', { id: 'alarm-note', class: 'muted' });
  const error = h('p', { id: 'alarm-error', class: 'field-error', role: 'alert', hidden: true });
  replace(root, h('span', { id: 'alarm-label', class: 'label' }, 'Alarm'), group, note, error);
  root.hidden = false;

  const setMode = async (button: HTMLButtonElement, mode: string) => {
    for (const b of group.querySelectorAll('button')) b.disabled = true;
    try {
      const answer = await ctx.api.send<Alarm>('PUT', '/api/v1/alarm', { mode });
      error.hidden = true;
      alarm.set(answer);
    } catch (err) {
      error.textContent = `Could not switch to ${mode}: ${errorText(err)}`;
      error.hidden = false;
      button.focus();
    } finally {
      for (const b of group.querySelectorAll('button')) b.disabled = false;
    }
  };

  alarm.subscribe(({ data, error: failure }) => {
    if (failure && !data) {
      error.textContent = `Alarm mode unavailable: ${errorText(failure)}`;
      error.hidden = false;
    }
    if (!data) return;
    replace(
      group,
      data.modes.map((mode) => {
        const button = h(
          'button',
          {
            type: 'button',
            'data-mode': mode,
            'aria-pressed': mode === data.mode ? 'true' : 'false',
            class: mode === data.mode ? 'mode current' : 'mode',
          },
          mode,
        );
        button.addEventListener('click', () => {
          if (mode !== alarm.data?.mode) void setMode(button, mode);
        });
        return button;
      }),
    );
    root.dataset.mode = data.mode;
    const changed = data.changed_at
      ? `set ${ago(data.changed_at)}${data.changed_by ? ` by ${cause(data.changed_by)}` : ''}`
      : '';
    const next = (data.schedules ?? [])
      .filter((s) => s.next)
      .sort((a, b) => String(a.next).localeCompare(String(b.next)))[0];
    note.textContent = [changed, next?.next ? `${next.mode} at ${clock(next.next)}` : '']
      .filter(Boolean)
      .join(' · ');
  });

  return {
    section: root,
    onState(message) {
      if (message.topic === 'alarm.mode') void alarm.refresh();
    },
    onResync() {
      void alarm.refresh();
    },
    dispose() {
      root.hidden = true;
      root.replaceChildren();
    },
  };
}
