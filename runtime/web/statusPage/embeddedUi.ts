import type { UiAssets } from './uiAssets';

/**
 * The built status page front end, or null when running from sources. build.ts replaces this
 * module's text with the bundled script and stylesheet when it bundles the daemon; keep the
 * export's name and type in step with `statusPageUiPlugin` there.
 */
export const EMBEDDED_UI: UiAssets | null = null;
