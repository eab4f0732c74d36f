/**
 * The one redaction of secrets carried in URLs, for everything Vigil shows or logs: camera and
 * broker URLs in health and stats, the config served by the API, camera offline reasons, ffmpeg's
 * stderr, error messages and every log line.
 *
 * A URL is split into its parts (RFC 3986: scheme, authority, path, query, fragment) and then:
 * - the userinfo (`user:password@`) goes as a whole. Users write passwords unencoded, with `/`,
 *   `@` or `%` in them (`rtsp://admin:p@ss/word@cam/…`), which a strict parser would read as a
 *   path, so the userinfo runs to the last `@` before the query: when in doubt, more is hidden;
 * - the value of every secret-looking query or fragment parameter (`?user=admin&pwd=…`).
 */

/** What a secret in a URL is replaced with. */
const URL_REDACTED = '***';

/** Parameter names that carry a credential (compared in lower case). */
const SECRET_PARAMETERS = new Set([
  'pwd',
  'password',
  'pass',
  'passwd',
  'token',
  'key',
  'secret',
  'auth',
  'user',
  'username',
  'apikey',
  'api_key',
  'access_token',
  'signature',
]);

/** Compound names ending in a secret word: `auth_token`, `client_secret`, `X-Amz-Signature`. */
const SECRET_SUFFIX = /[_.-](token|secret|password|passwd|pwd|key|signature|auth)$/;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * URLs inside free text: a scheme, `://`, then everything up to whitespace or a character that
 * cannot be part of a URL in a message (quotes, angle brackets, backslash, backtick).
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]*/gi;

/** Whether a query parameter of this name holds a secret. */
export function isSecretParameter(name: string): boolean {
  const key = decodeComponent(name).toLowerCase();
  return SECRET_PARAMETERS.has(key) || SECRET_SUFFIX.test(key);
}

/**
 * `url` without its userinfo and with the values of secret-looking parameters replaced by
 * {@link URL_REDACTED}; the rest is left exactly as written. A string without `scheme://` is
 * returned unchanged (file paths, device names).
 */
export function redactUrl(url: string): string {
  const scheme = SCHEME.exec(url)?.[0];
  if (scheme === undefined) return url;
  let rest = url.slice(scheme.length);
  const queryStart = indexOfAny(rest, '?#');
  const authorityAndPath = queryStart < 0 ? rest : rest.slice(0, queryStart);
  const userinfoEnd = authorityAndPath.lastIndexOf('@');
  let out = scheme;
  if (userinfoEnd >= 0) {
    out += `${URL_REDACTED}@`;
    rest = rest.slice(userinfoEnd + 1);
  }
  const pathEnd = indexOfAny(rest, '?#');
  if (pathEnd < 0) return out + rest;
  out += rest.slice(0, pathEnd);
  const hash = rest.indexOf('#', pathEnd);
  if (rest[pathEnd] === '?') {
    const query = hash < 0 ? rest.slice(pathEnd + 1) : rest.slice(pathEnd + 1, hash);
    out += `?${redactParameters(query)}`;
  }
  // A fragment can carry parameters too (OAuth's `#access_token=…`).
  if (hash >= 0) out += `#${redactParameters(rest.slice(hash + 1))}`;
  return out;
}

/** Every URL inside `text` (an error message, a line of ffmpeg's stderr) passed through {@link redactUrl}. */
export function redactUrlsInText(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, redactUrl);
}

/**
 * A deep copy of JSON-like data (plain objects, arrays, strings, numbers…) with every string
 * passed through {@link redactUrlsInText}: for health details, log lines and other open-ended
 * structures whose strings may quote a URL.
 */
export function redactUrlsDeep<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlsInText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = redactValue(child);
  return out;
}

/** `a=1&pwd=x` → `a=1&pwd=***`; pieces without `=` stay as they are. */
function redactParameters(parameters: string): string {
  return parameters
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const name = pair.slice(0, equals);
      return isSecretParameter(name) ? `${name}=${URL_REDACTED}` : pair;
    })
    .join('&');
}

function indexOfAny(text: string, characters: string): number {
  for (let i = 0; i < text.length; i++) if (characters.includes(text[i] as string)) return i;
  return -1;
}

/** Percent-decoded (`+` as a space, as in a form); the raw text when it is not valid encoding. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Malformed percent-encoding: compare the name as written.
    return text;
  }
}
