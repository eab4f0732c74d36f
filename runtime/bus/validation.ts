import type { TopicPolicy } from './types';

/** Dotted lower-case segments: `camera.frame`, `event.ingest`, `system.service_state`. */
const TOPIC_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** Throws unless `topic` is a dotted lower-case name. */
export function validateTopic(topic: string): void {
  if (!TOPIC_PATTERN.test(topic)) {
    throw new TypeError(
      `event bus topic '${topic}' is invalid: use dotted lower-case segments of [a-z0-9_], e.g. 'camera.frame'`,
    );
  }
}

/** Returns `value` if it is a positive integer queue capacity, else throws naming `what`. */
export function validateCapacity(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`event bus ${what} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Returns `value` if it is a positive integer, else throws naming the topic. */
export function validateConcurrency(value: number, topic: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `event bus concurrency of a '${topic}' subscription must be a positive integer, got ${value}`,
    );
  }
  return value;
}

/** Checks every topic policy once, at construction, so a typo fails at start rather than under load. */
export function validatePolicies(policies: object): Partial<Record<string, TopicPolicy>> {
  const checked: Partial<Record<string, TopicPolicy>> = {};
  for (const [topic, policy] of Object.entries(policies) as [string, TopicPolicy | undefined][]) {
    if (policy === undefined) continue;
    validateTopic(topic);
    if (policy.overflow !== 'block' && policy.overflow !== 'drop-oldest') {
      throw new TypeError(
        `event bus policy for '${topic}': overflow must be 'block' or 'drop-oldest', got '${String(policy.overflow)}'`,
      );
    }
    if (policy.capacity !== undefined) validateCapacity(policy.capacity, `policy for '${topic}': capacity`);
    checked[topic] = { ...policy };
  }
  return checked;
}
