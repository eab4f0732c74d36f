import { ApiError, refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, h } from '../dom';
import { clock } from '../format';
import type { RecentError } from '../types';
import { empty, panel } from './panel';

const REFRESH_MS = 15_000;

/** The latest warnings and errors the appliance logged (`GET /api/v1/errors`, newest first). */
export function errorsPanel(ctx: PanelContext): PanelModule {
  const p = panel('errors-panel', 'Recent errors');
  const errors = ctx.resource(() => ctx.api.get<{ errors: RecentError[] }>('/api/v1/errors'), REFRESH_MS);
  errors.subscribe(({ data, error }) => {
    if (error instanceof ApiError && error.status === 404) {
      p.error(null);
      p.show(empty('This appliance version does not report recent errors here.', 'See journalctl -u vigil.'));
      return;
    }
    p.error(refreshError(error));
    if (!data) return;
    if (data.errors.length === 0) {
      p.show(empty('No warnings or errors since the appliance started.'));
      return;
    }
    p.show(
      h(
        'ul',
        { id: 'error-list', class: 'errors' },
        data.errors.map((e) =>
          h(
            'li',
            { 'data-level': e.level },
            badge(e.level, e.level === 'warn' ? 'warn' : 'failed'),
            ' ',
            h('time', { datetime: e.at }, clock(e.at)),
            e.module ? h('span', { class: 'muted' }, ` ${e.module}`) : null,
            h('div', { class: 'error-message' }, e.message),
          ),
        ),
      ),
    );
  });
  return {
    section: p.section,
    onState(message) {
      if (message.topic === 'service') void errors.refresh();
    },
  };
}
