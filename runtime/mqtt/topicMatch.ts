/**
 * Whether `topic` matches an MQTT subscription `filter` (`+` one level, `#` the rest).
 * A shared subscription (`$share/<group>/<filter>`) matches like its filter. Topics starting
 * with `$` only match filters that name that first level (MQTT 4.7.2).
 */
export function topicMatches(filter: string, topic: string): boolean {
  const plain = filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter;
  const f = plain.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
