import type { Clock } from '../../base/clock';

/**
 * A clock the test moves: `advance` lets time pass (wall and monotonic together), `jump` sets the
 * wall clock as NTP does (monotonic time does not move).
 */
export class TestClock implements Clock {
  #wall: number;
  #mono = 1000;

  constructor(wall: number) {
    this.#wall = wall;
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  advance(ms: number): void {
    this.#wall += ms;
    this.#mono += ms;
  }

  jump(ms: number): void {
    this.#wall += ms;
  }
}
