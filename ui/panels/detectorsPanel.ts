import type { PanelContext, PanelModule } from '../context';
import { facts, h } from '../dom';
import { num } from '../format';
import { empty, panel } from './panel';

/** Detector inference speed per detector and face recognition speed (`GET /api/v1/stats`). */
export function detectorsPanel(ctx: PanelContext): PanelModule {
  const p = panel('detectors-panel', 'Detectors');
  ctx.stats.subscribe(({ data }) => {
    if (!data) return;
    const detectors = Object.entries(data.detectors ?? {});
    const rows: Array<[string, string | HTMLElement]> = detectors.map(([name, d]) => [
      `${name} (${d.type})`,
      h(
        'span',
        { 'data-detector': name },
        d.inference_speed === null ? 'no inference yet' : `${num(d.inference_speed)} ms per inference`,
      ),
    ]);
    if (data.faces)
      rows.push([
        'Face recognition',
        data.faces.enabled
          ? data.faces.recognition_speed === null
            ? 'no face seen yet'
            : `${num(data.faces.recognition_speed)} ms per face`
          : 'off',
      ]);
    if (rows.length === 0) {
      p.show(empty('No detector configured.', 'Add one under detectors: in /etc/vigil/config.yaml.'));
      return;
    }
    p.show(facts(rows));
  });
  return { section: p.section };
}
