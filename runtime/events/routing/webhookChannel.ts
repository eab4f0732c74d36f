import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookConfig, WebhooksConfig } from '../../config/schema/webhooks';
import type { VigilEvent } from '../../domain/eventModel';
import { severityRank } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';
import { type Channel, ChannelError, type ChannelOutcome } from './channel';

/** Options shared by every webhook channel. */
export interface WebhookChannelOptions {
  /** Aborting it (at shutdown) ends waits and requests in flight; the delivery then fails. */
  signal?: AbortSignal;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; message: string; hint: string };

const BODY_EXCERPT = 200;

// fetch refuses URLs with user:password@, and errors must not leak the password into
// logs and the audit trail: the credentials become a Basic Authorization header instead.
function splitCredentials(webhook: string, url: string): { target: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new Error(
      `webhook '${webhook}': '${url}' is not a valid URL — fix events.webhooks.${webhook}.url`,
      {
        cause: error,
      },
    );
  }
  if (parsed.username === '' && parsed.password === '') return { target: parsed.href };
  const user = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.href, authorization: `Basic ${Buffer.from(user).toString('base64')}` };
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * `webhook:<name>`: POSTs `{ event, decision }` as JSON. Network errors, timeouts, 5xx and
 * 429 are retried up to `retries` times, waiting `backoff_ms`, then twice as long before
 * each further try; any other 4xx means the request itself is wrong and is not retried.
 * The event id goes in an Idempotency-Key header: a try that timed out may still have
 * arrived, so the receiver can drop the retry. No jitter: one appliance, a few webhooks.
 */
export class WebhookChannel implements Channel {
  readonly name: string;
  readonly #webhook: string;
  readonly #config: WebhookConfig;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #signal: AbortSignal | undefined;

  constructor(webhook: string, config: WebhookConfig, options: WebhookChannelOptions = {}) {
    this.name = `webhook:${webhook}`;
    this.#webhook = webhook;
    this.#config = config;
    const { target, authorization } = splitCredentials(webhook, config.url);
    this.#url = target;
    const ownAuthorization = Object.keys(config.headers).some((key) => key.toLowerCase() === 'authorization');
    this.#headers = {
      'content-type': 'application/json',
      ...(authorization === undefined || ownAuthorization ? {} : { authorization }),
      ...config.headers,
    };
    this.#signal = options.signal;
  }

  async deliver(event: VigilEvent, decision: Decision): Promise<ChannelOutcome> {
    const { min_severity: minimum, retries, backoff_ms: backoff } = this.#config;
    if (severityRank(decision.severity) < severityRank(minimum)) {
      return { attempts: 0, skipped: `severity ${decision.severity} is below min_severity ${minimum}` };
    }
    const body = JSON.stringify({ event, decision });
    for (let attempt = 1; ; attempt++) {
      const result = await this.#post(body, event.id);
      if (result.ok) return { attempts: attempt };
      if (!result.retry || attempt > retries || this.#signal?.aborted) {
        const tries = attempt === 1 ? '' : ` (${attempt} attempts)`;
        throw new ChannelError(
          `webhook '${this.#webhook}': ${result.message}${tries} — ${result.hint}`,
          attempt,
        );
      }
      try {
        await sleep(backoff * 2 ** (attempt - 1), undefined, { signal: this.#signal });
      } catch (error) {
        throw new ChannelError(
          `webhook '${this.#webhook}': stopped while waiting to retry (shutting down)`,
          attempt,
          {
            cause: error,
          },
        );
      }
    }
  }

  async #post(body: string, eventId: string): Promise<Attempt> {
    const timeout = this.#config.timeout_ms;
    const deadline = AbortSignal.timeout(timeout);
    const signal = this.#signal === undefined ? deadline : AbortSignal.any([deadline, this.#signal]);
    try {
      const response = await fetch(this.#url, {
        method: 'POST',
        headers: { ...this.#headers, 'idempotency-key': eventId },
        body,
        signal,
      });
      if (response.ok) {
        // Nothing to read, but the connection is only reusable once the body is consumed.
        await response.body?.cancel();
        return { ok: true };
      }
      const text = (await response.text()).trim().slice(0, BODY_EXCERPT);
      const retry = response.status >= 500 || response.status === 429;
      return {
        ok: false,
        retry,
        message: `POST ${this.#url} answered ${response.status} ${response.statusText}${text === '' ? '' : `: ${text}`}`,
        hint: retry
          ? 'the receiver is failing or overloaded; check it'
          : `the receiver refused the request; check events.webhooks.${this.#webhook}.url and headers`,
      };
    } catch (error) {
      if (deadline.aborted) {
        return {
          ok: false,
          retry: true,
          message: `no answer from ${this.#url} within ${timeout} ms`,
          hint: `check the receiver, or raise events.webhooks.${this.#webhook}.timeout_ms`,
        };
      }
      if (this.#signal?.aborted) {
        return {
          ok: false,
          retry: false,
          message: 'stopped (shutting down)',
          hint: 'the event was not sent',
        };
      }
      return {
        ok: false,
        retry: true,
        message: `POST ${this.#url} failed: ${causeOf(error)}`,
        hint: `check that the receiver is up and events.webhooks.${this.#webhook}.url is right`,
      };
    }
  }
}

/** One channel per configured webhook. */
export function webhookChannels(
  webhooks: WebhooksConfig,
  options: WebhookChannelOptions = {},
): WebhookChannel[] {
  return Object.entries(webhooks).map(([name, config]) => new WebhookChannel(name, config, options));
}
