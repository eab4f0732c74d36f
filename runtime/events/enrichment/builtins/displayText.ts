/**
 * The name to show for a camera: the configured display name, else its config key made
 * readable ("front_door" → "Front door"), so summaries read well without extra config.
 */
export function cameraDisplayName(camera: string, names: Readonly<Record<string, string>> = {}): string {
  const configured = names[camera];
  if (configured !== undefined && configured.trim() !== '') return configured;
  const words = camera.replace(/[_-]+/g, ' ').trim();
  return words === '' ? camera : words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A producer-supplied string made safe for a one-line summary: control characters removed,
 * whitespace collapsed, clipped; null when absent or empty.
 */
export function clean(value: unknown, max = 64): string | null {
  if (typeof value !== 'string') return null;
  const text = value
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
