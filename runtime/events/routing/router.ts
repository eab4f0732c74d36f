import type { VigilEvent } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';
import {
  type Channel,
  ChannelError,
  type ChannelOutcome,
  type DeliveryResult,
  type StagedChannel,
} from './channel';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Hands events to the channels their decision routes them to: staged channels inside the
 * transaction that stores the decision ({@link stage}), the others after it ({@link route}).
 * Channels are registered by whoever owns them (the bus-backed ones, webhooks, the MQTT outbox),
 * so the router knows none of them by kind.
 */
export class Router {
  readonly #channels = new Map<string, Channel | StagedChannel>();

  constructor(channels: Iterable<Channel | StagedChannel> = []) {
    for (const channel of channels) this.register(channel);
  }

  /** Adds a channel under its name; returns a function that removes it again. Throws on a second channel of one name. */
  register(channel: Channel | StagedChannel): () => void {
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
   * Whether `decision` routes to a channel delivered after the commit whose outcome is stored
   * (neither staged nor live): only then is there a delivery outcome to store once the decision
   * is. A route with no channel counts, since its failure is stored as a dead letter.
   */
  delivers(decision: Decision): boolean {
    if (!decision.allowed) return false;
    return decision.routes.some((name) => {
      const channel = this.#channels.get(name);
      return channel === undefined || !(isStaged(channel) || channel.live === true);
    });
  }

  /**
   * Hands `event` to the staged channels in `decision.routes`; call it inside the transaction
   * that stores the decision. Throws what a channel throws, so the transaction rolls back.
   */
  stage(event: VigilEvent, decision: Decision, description: string | null, at: number): DeliveryResult[] {
    if (!decision.allowed) return [];
    const results: DeliveryResult[] = [];
    for (const name of new Set(decision.routes)) {
      const channel = this.#channels.get(name);
      if (channel === undefined || !isStaged(channel)) continue;
      results.push(delivered(name, channel.stage(event, decision, description, at)));
    }
    return results;
  }

  /**
   * Delivers `event` to every other channel in `decision.routes` at once and reports each
   * outcome, in route order. Never throws: a failing or missing channel is a failed result and
   * does not hold up the others. A blocked decision is delivered nowhere.
   */
  async route(event: VigilEvent, decision: Decision): Promise<DeliveryResult[]> {
    if (!decision.allowed) return [];
    const names = [...new Set(decision.routes)].filter((name) => {
      const channel = this.#channels.get(name);
      return channel === undefined || !isStaged(channel);
    });
    return Promise.all(names.map((name) => this.#deliver(name, event, decision)));
  }

  async #deliver(name: string, event: VigilEvent, decision: Decision): Promise<DeliveryResult> {
    const channel = this.#channels.get(name);
    if (channel === undefined || isStaged(channel)) {
      const known = this.names().join(', ') || 'none';
      return {
        channel: name,
        ok: false,
        attempts: 0,
        error: `no channel '${name}' is registered (registered: ${known}) — check the rule's route or the channel's config`,
      };
    }
    try {
      return delivered(name, (await channel.deliver(event, decision)) ?? undefined);
    } catch (error) {
      const attempts = error instanceof ChannelError ? error.attempts : 1;
      return { channel: name, ok: false, attempts, error: describe(error) };
    }
  }
}

function isStaged(channel: Channel | StagedChannel): channel is StagedChannel {
  return 'stage' in channel;
}

function delivered(channel: string, outcome: ChannelOutcome | undefined): DeliveryResult {
  const result: DeliveryResult = { channel, ok: true, attempts: outcome?.attempts ?? 1 };
  if (outcome?.skipped !== undefined) result.skipped = outcome.skipped;
  return result;
}
