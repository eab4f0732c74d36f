/** Display formatting: times, durations, numbers. */

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** `3d 4h`, `2h 5m`, `4m 10s`, `12s`. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(s / DAY);
  const hours = Math.floor((s % DAY) / HOUR);
  const m = Math.floor((s % HOUR) / MINUTE);
  if (d > 0) return `${d}d ${hours}h`;
  if (hours > 0) return `${hours}h ${m}m`;
  if (m > 0) return `${m}m ${s % MINUTE}s`;
  return `${s}s`;
}

/** `14:03:12` today, `Mar 3, 14:03` otherwise. */
export function clock(at: number | string | Date): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return date.toLocaleTimeString();
  return date.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** `12s ago`, `3m ago`; `in 20s` for the future. */
export function ago(at: number | string): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return String(at);
  const seconds = Math.round((Date.now() - ms) / 1000);
  if (seconds < 0) return `in ${duration(-seconds)}`;
  if (seconds < 2) return 'just now';
  return `${duration(seconds)} ago`;
}

/** A number with at most `digits` decimals, or — for none. */
export function num(value: number | null | undefined, digits = 1, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return unit ? `${text} ${unit}` : text;
}

/** `1.2 MiB` */
export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${unit === 0 ? v : v.toFixed(1)} ${units[unit]}`;
}

/** `face_unknown` → `face unknown` */
export function words(value: string): string {
  return value.replace(/_/g, ' ');
}

/** `api (manual)`, or just the actor when the reason says nothing more. */
export function cause(value: { actor: string; reason: string } | null | undefined): string {
  if (!value) return '';
  return value.reason && value.reason !== 'manual' ? `${value.actor} (${value.reason})` : value.actor;
}
