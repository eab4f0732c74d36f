import type { PanelContext, PanelModule } from '../context';
import { h } from '../dom';
import { eventsPanel } from './eventsPanel';
import { incidentsPanel } from './incidentsPanel';
import { panel } from './panel';

/**
 * Activity: incidents first (events grouped by object or sensor, with counts and time ranges),
 * the raw event feed one click away in a second tab, so a busy walkway's stream of events does
 * not flood the page. Tabs follow the ARIA tabs pattern (arrow keys move between them).
 */
export function activityPanel(ctx: PanelContext): PanelModule {
  const incidentsTab = tab('tab-incidents', 'incidents-panel', 'Incidents');
  const eventsCount = h('span', { class: 'unseen', hidden: true });
  const eventsTab = tab('tab-events', 'events-panel', 'All events', eventsCount);
  const incidents = incidentsPanel(ctx, incidentsTab.id);
  const events = eventsPanel(ctx, eventsTab.id);
  const tabs = [incidentsTab, eventsTab];
  const panels = [incidents.section, events.section];

  const select = (index: number, focus: boolean) => {
    tabs.forEach((t, i) => {
      const selected = i === index;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
      const shown = panels[i];
      if (shown) shown.hidden = !selected;
    });
    events.shown(index === 1);
    if (focus) tabs[index]?.focus();
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(i, false));
    t.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      event.preventDefault();
      select((i + step + tabs.length) % tabs.length, true);
    });
  });
  events.onUnseen = (count) => {
    eventsCount.textContent = count > 99 ? '99+ new' : `${count} new`;
    eventsCount.hidden = count === 0;
  };

  const p = panel('activity-panel', 'Activity', {
    tools: [h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Activity' }, tabs)],
  });
  p.show(panels);
  select(0, false);

  const parts = [incidents, events];
  return {
    section: p.section,
    onEvent(event) {
      for (const part of parts) part.onEvent?.(event);
    },
    onState(message) {
      for (const part of parts) part.onState?.(message);
    },
    onResync() {
      for (const part of parts) part.onResync?.();
    },
    onStreamStatus(live) {
      for (const part of parts) part.onStreamStatus?.(live);
    },
    dispose() {
      for (const part of parts) part.dispose?.();
    },
  };
}

function tab(id: string, controls: string, label: string, ...extra: Node[]): HTMLButtonElement {
  return h(
    'button',
    { id, type: 'button', role: 'tab', class: 'tab', 'aria-controls': controls, 'aria-selected': 'false' },
    label,
    ...extra,
  );
}
