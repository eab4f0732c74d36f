import type { Api } from './api';
import type { Resource } from './resource';
import type { EventView, Health, StateMessage, Stats, UnknownFace } from './types';

/** What every panel gets from the app. */
export interface PanelContext {
  api: Api;
  /** `GET /api/v1/health`, shared (header, device, sync). */
  health: Resource<Health>;
  /** `GET /api/v1/stats`, shared (device, cameras, detectors). */
  stats: Resource<Stats>;
  /** A resource started after login and stopped at logout. */
  resource<T>(load: () => Promise<T>, intervalMs: number): Resource<T>;
  /** Whether the live stream delivers events now (else the feed polls). */
  streamLive(): boolean;
  /** Set by the faces panel: recent unknown faces (`GET /api/v1/faces/unknown`), with their event ids. */
  unknownFaces?: Resource<{ faces: UnknownFace[] }>;
  /** Set by the faces panel: opens its enroll form with the unknown face seen in this event. */
  enrollFromEvent?: (eventId: string) => void;
}

/** What a panel module hands back to the app. */
export interface PanelModule {
  section: HTMLElement;
  onEvent?(event: EventView): void;
  onState?(message: StateMessage): void;
  /** The stream missed messages (or just connected): reload what it would have updated. */
  onResync?(): void;
  onStreamStatus?(live: boolean): void;
  /** Stops timers the panel runs outside its resources (logout). */
  dispose?(): void;
}
