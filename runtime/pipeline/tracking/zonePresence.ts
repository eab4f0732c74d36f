import type { NormalizedBox } from '../../../models/types';
import { type CompiledZone, inZone } from './zones';

/**
 * Which zones one tracked object is in, with hysteresis: it enters a zone after `enterFrames`
 * consecutive sightings inside and leaves after `exitFrames` outside, so a box wobbling on a zone's
 * edge does not flap. Lists are replaced, never changed in place, so a report holding one stays valid.
 */
export class ZonePresence {
  /** Zones it is in now, in zone order. */
  current: string[] = [];
  /** Zones it has ever been in, in order of entry. */
  entered: string[] = [];
  /** Zones it has been in for at least their `loitering_seconds`. */
  loitering: string[] = [];

  readonly #zones: readonly CompiledZone[];
  readonly #insideRun: Int32Array;
  readonly #outsideRun: Int32Array;
  /** When the run of sightings inside that made it present began (ms). */
  readonly #since: Float64Array;
  readonly #present: Uint8Array;
  readonly #loitering: Uint8Array;

  constructor(zones: readonly CompiledZone[]) {
    this.#zones = zones;
    this.#insideRun = new Int32Array(zones.length);
    this.#outsideRun = new Int32Array(zones.length);
    this.#since = new Float64Array(zones.length);
    this.#present = new Uint8Array(zones.length);
    this.#loitering = new Uint8Array(zones.length);
  }

  /** Takes one sighting into account; true when the current zones changed. */
  observe(
    box: NormalizedBox,
    label: string,
    timestamp: number,
    enterFrames: number,
    exitFrames: number,
  ): boolean {
    let changed = false;
    for (let i = 0; i < this.#zones.length; i++) {
      if (inZone(box, this.#zones[i] as CompiledZone, label)) {
        this.#outsideRun[i] = 0;
        const run = ++(this.#insideRun[i] as number);
        if (run === 1 && this.#present[i] === 0) this.#since[i] = timestamp;
        if (this.#present[i] === 0 && run >= enterFrames) {
          this.#present[i] = 1;
          changed = true;
        }
      } else {
        this.#insideRun[i] = 0;
        const run = ++(this.#outsideRun[i] as number);
        if (this.#present[i] === 1 && run >= exitFrames) {
          this.#present[i] = 0;
          changed = true;
        }
      }
    }
    if (changed) this.#rebuildLists();
    return changed;
  }

  /** Re-evaluates loitering at `now` (ms); true when the loitering zones changed. */
  checkLoitering(now: number): boolean {
    let changed = false;
    for (let i = 0; i < this.#zones.length; i++) {
      const limit = (this.#zones[i] as CompiledZone).loiteringSeconds;
      const loitering =
        limit > 0 && this.#present[i] === 1 && now - (this.#since[i] as number) >= limit * 1000;
      if ((this.#loitering[i] === 1) !== loitering) {
        this.#loitering[i] = loitering ? 1 : 0;
        changed = true;
      }
    }
    if (changed)
      this.loitering = this.#zones.filter((_, i) => this.#loitering[i] === 1).map((zone) => zone.name);
    return changed;
  }

  /** Seconds it has been in `zone` by `now` (ms), counted from its first sighting inside; 0 when not in it. */
  secondsIn(zone: string, now: number): number {
    const index = this.#zones.findIndex((candidate) => candidate.name === zone);
    if (index < 0 || this.#present[index] === 0) return 0;
    return Math.max(0, now - (this.#since[index] as number)) / 1000;
  }

  #rebuildLists(): void {
    const current = this.#zones.filter((_, i) => this.#present[i] === 1).map((zone) => zone.name);
    this.current = current;
    const newlyEntered = current.filter((name) => !this.entered.includes(name));
    if (newlyEntered.length > 0) this.entered = [...this.entered, ...newlyEntered];
  }
}
