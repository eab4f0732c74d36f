const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):[^@/\s]*@/gi;

/**
 * Replaces the password of every `scheme://user:password@` URL in `text` with `***`, for
 * logs and status reasons: ffmpeg repeats camera URLs, credentials included, in its errors.
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@');
}
