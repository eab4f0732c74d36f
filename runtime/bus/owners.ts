import type { Owner, Unsubscribe } from './types';

/**
 * Which unsubscribe functions belong to which owner, so a service can drop all of its
 * subscriptions in one call when it stops (zigbee2mqtt's `removeListeners(key)` pattern).
 */
export class OwnerRegistry {
  readonly #owned = new Map<Owner, Set<Unsubscribe>>();

  /** Records `unsubscribe` under `owner`; returns a wrapper that also forgets it, once. */
  add(owner: Owner, unsubscribe: Unsubscribe): Unsubscribe {
    const owned = this.#owned.get(owner) ?? new Set<Unsubscribe>();
    this.#owned.set(owner, owned);
    const remove = (): void => {
      if (!owned.delete(remove)) return;
      if (owned.size === 0 && this.#owned.get(owner) === owned) this.#owned.delete(owner);
      unsubscribe();
    };
    owned.add(remove);
    return remove;
  }

  /** Runs every unsubscribe recorded under `owner`; returns how many there were. */
  removeAll(owner: Owner): number {
    const owned = this.#owned.get(owner);
    if (owned === undefined) return 0;
    const count = owned.size;
    for (const remove of [...owned]) remove();
    return count;
  }
}

/**
 * The name a subscription shows in stats and error reports: the one asked for, else
 * `<owner>/<topic>`; suffixed `#2`, `#3`… when already taken on that topic, so reports stay unambiguous.
 */
export function subscriberName(
  requested: string | undefined,
  owner: Owner,
  topic: string,
  existing: readonly { readonly name: string }[],
): string {
  const wanted = requested ?? `${ownerLabel(owner)}/${topic}`;
  const taken = new Set(existing.map((s) => s.name));
  if (!taken.has(wanted)) return wanted;
  let n = 2;
  while (taken.has(`${wanted}#${n}`)) n++;
  return `${wanted}#${n}`;
}

/** A readable label for an owner: the string, a `name` property, or the class name. */
function ownerLabel(owner: Owner): string {
  if (typeof owner === 'string') return owner;
  const name = (owner as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '') return name;
  return owner.constructor?.name ?? 'anonymous';
}
