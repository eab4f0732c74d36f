/**
 * Home Assistant's MQTT alarm_control_panel and Vigil's alarm modes. The panel arms and disarms
 * with the commands below; Vigil's modes are names in `alarm.modes`, the first being disarmed.
 * Modes named like HA's arming states take those; the first mode left over is HA's custom bypass.
 */
export const PANEL_ACTIONS = [
  'DISARM',
  'ARM_HOME',
  'ARM_AWAY',
  'ARM_NIGHT',
  'ARM_VACATION',
  'ARM_CUSTOM_BYPASS',
  'TRIGGER',
] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

/** What HA's panel shows: the mode's arming state, or `triggered` while the siren sounds armed. */
export type PanelState =
  | 'disarmed'
  | 'armed_home'
  | 'armed_away'
  | 'armed_night'
  | 'armed_vacation'
  | 'armed_custom_bypass'
  | 'triggered';

const ARMING: ReadonlyArray<[mode: string, action: PanelAction, state: PanelState]> = [
  ['home', 'ARM_HOME', 'armed_home'],
  ['away', 'ARM_AWAY', 'armed_away'],
  ['night', 'ARM_NIGHT', 'armed_night'],
  ['vacation', 'ARM_VACATION', 'armed_vacation'],
];

/** The panel's arming actions for `modes`, each with the mode it sets. */
export function panelModes(modes: readonly string[]): Map<PanelAction, string> {
  const actions = new Map<PanelAction, string>();
  const [disarmed, ...armed] = modes;
  if (disarmed !== undefined) actions.set('DISARM', disarmed);
  for (const [mode, action] of ARMING) if (armed.includes(mode)) actions.set(action, mode);
  const custom = armed.find((mode) => !ARMING.some(([named]) => named === mode));
  if (custom !== undefined) actions.set('ARM_CUSTOM_BYPASS', custom);
  return actions;
}

/** The panel's state for the alarm in `mode` with the siren on or off. */
export function panelState(mode: string, modes: readonly string[], sirenOn: boolean): PanelState {
  if (mode === modes[0]) return 'disarmed';
  if (sirenOn) return 'triggered';
  return ARMING.find(([named]) => named === mode)?.[2] ?? 'armed_custom_bypass';
}

/** HA's `supported_features` for the panel: the arming actions the modes allow, and trigger when there is a siren. */
export function panelFeatures(modes: readonly string[], siren: boolean): string[] {
  const actions = panelModes(modes);
  const features = [...actions.keys()].filter((a) => a !== 'DISARM').map((a) => a.toLowerCase());
  return siren ? [...features, 'trigger'] : features;
}
