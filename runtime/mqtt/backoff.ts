/**
 * Wait before reconnect attempt `attempt` (0-based): doubling from `minMs`, capped at `maxMs`,
 * with "equal jitter" (half fixed, half random) so that many appliances losing one broker do
 * not all come back in the same instant.
 */
export function nextReconnectDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
