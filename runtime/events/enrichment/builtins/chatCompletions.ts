import type { DescriptionProviderConfig } from '../../../config/schema/enrichment';

/** Longest description kept from a provider; it is stored, indexed and shown in one line of the UI. */
const MAX_TEXT = 1000;
/** How much of an error body goes into the error message. */
const MAX_ERROR_BODY = 200;

const SYSTEM_PROMPT =
  'You describe security camera events for the owner of the camera in one or two short, factual ' +
  'sentences. Use the facts given; if an image is attached, describe only what is visible in it. ' +
  'Do not guess who a person is beyond the facts given.';

/** What is sent to a provider about one event. */
export interface DescriptionRequest {
  /** The local summary, which the model may refine. */
  summary: string;
  /** Event fields and metadata, as JSON-able values. */
  facts: Record<string, unknown>;
  /** The snapshot as a `data:` URL, when one could be loaded. */
  imageDataUrl?: string;
}

/** The body of an OpenAI-compatible `POST /chat/completions` asking for a description. */
function chatCompletionsBody(model: string, request: DescriptionRequest): Record<string, unknown> {
  const text = `Event facts (JSON): ${JSON.stringify(request.facts)}\nSummary: ${request.summary}\nDescribe the event.`;
  // Plain string content when there is no image: text-only models and older servers reject content arrays.
  const content =
    request.imageDataUrl === undefined
      ? text
      : [
          { type: 'text', text },
          { type: 'image_url', image_url: { url: request.imageDataUrl } },
        ];
  return {
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content },
    ],
    temperature: 0.2,
    max_tokens: 200,
    stream: false,
  };
}

/**
 * Asks one provider for a description; resolves with `choices[0].message.content`, trimmed.
 * Rejects with a message naming what went wrong (HTTP status and body start, non-JSON body,
 * missing content, network error); aborting `signal` aborts the request.
 */
export async function requestDescription(
  provider: DescriptionProviderConfig,
  request: DescriptionRequest,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (provider.api_key !== undefined) headers.authorization = `Bearer ${provider.api_key}`;
  const response = await fetchImpl(completionsUrl(provider.base_url), {
    method: 'POST',
    headers,
    body: JSON.stringify(chatCompletionsBody(provider.model, request)),
    signal,
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${snippet(body)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new Error(
      `response is not JSON (${err instanceof Error ? err.message : String(err)}): ${snippet(body)}`,
    );
  }
  const content = contentOf(parsed);
  if (content === null)
    throw new Error(`response has no text in choices[0].message.content: ${snippet(body)}`);
  return content.length > MAX_TEXT ? `${content.slice(0, MAX_TEXT - 1)}…` : content;
}

/** `{base_url}/chat/completions`, tolerating a trailing slash on the base URL. */
function completionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

function contentOf(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const choices = (parsed as { choices?: unknown }).choices;
  if (!Array.isArray(choices)) return null;
  const message = (choices[0] as { message?: { content?: unknown } } | undefined)?.message;
  const content = message?.content;
  if (typeof content !== 'string' || content.trim() === '') return null;
  return content.trim();
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > MAX_ERROR_BODY ? `${flat.slice(0, MAX_ERROR_BODY)}…` : flat;
}
