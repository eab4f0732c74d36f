/**
 * Calls `send` `perSecond` times a second until stopped. Each 100 ms tick sends what is due by the
 * clock, so a late timer on a loaded machine does not lower the rate. `stop` waits for the sends
 * still in flight.
 */
export function pacedLoad(perSecond: number, send: () => Promise<void>): { stop: () => Promise<void> } {
  let inFlight = 0;
  const started = performance.now();
  let sent = 0;
  const timer =
    perSecond > 0
      ? setInterval(() => {
          const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
          for (; sent < due; sent++) {
            inFlight++;
            void send().finally(() => inFlight--);
          }
        }, 100)
      : undefined;
  return {
    stop: async () => {
      clearInterval(timer);
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}
