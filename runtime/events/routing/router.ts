import type { VigilEvent } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';
import { type Channel, ChannelError, type DeliveryResult } from './channel';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Delivers events to the channels their decision routes them to. Channels are registered
 * by whoever owns them (the bus-backed ones, webhooks, the MQTT outbox), so the router
 * knows none of them by kind.
 */
export class Router {
  readonly #channels = new Map<string, Channel>();

  constructor(channels: Iterable<Channel> = []) {
    for (const channel of channels) this.register(channel);
  }

  /** Adds a channel under its name; returns a function that removes it again. Throws on a second channel of one name. */
  register(channel: Channel): () => void {
    if (this.#channels.has(channel.name)) {
      throw new Error(
        `router: a channel named '${channel.name}' is already registered — each route name needs one channel`,
      );
    }
    this.#channels.set(channel.name, channel);
    return () => {
      if (this.#channels.get(channel.name) === channel) this.#channels.delete(channel.name);
    };
  }

  /** Names of the registered channels. */
  names(): string[] {
    return [...this.#channels.keys()];
  }

  /**
   * Delivers `event` to every channel in `decision.routes` at once and reports each
   * outcome, in route order. Never throws: a failing or missing channel is a failed
   * result and does not hold up the others. A blocked decision is delivered nowhere.
   */
  async route(event: VigilEvent, decision: Decision): Promise<DeliveryResult[]> {
    if (!decision.allowed) return [];
    const names = [...new Set(decision.routes)];
    return Promise.all(names.map((name) => this.#deliver(name, event, decision)));
  }

  async #deliver(name: string, event: VigilEvent, decision: Decision): Promise<DeliveryResult> {
    const channel = this.#channels.get(name);
    if (channel === undefined) {
      const known = this.names().join(', ') || 'none';
      return {
        channel: name,
        ok: false,
        attempts: 0,
        error: `no channel '${name}' is registered (registered: ${known}) — check the rule's route or the channel's config`,
      };
    }
    try {
      const outcome = await channel.deliver(event, decision);
      const result: DeliveryResult = { channel: name, ok: true, attempts: outcome?.attempts ?? 1 };
      if (outcome?.skipped !== undefined) result.skipped = outcome.skipped;
      return result;
    } catch (error) {
      const attempts = error instanceof ChannelError ? error.attempts : 1;
      return { channel: name, ok: false, attempts, error: describe(error) };
    }
  }
}
