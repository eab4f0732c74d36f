import { NAME_PATTERN } from '../../base/schema';

/**
 * Plain-words versions of the regular expressions in the schema, so errors say what to
 * write instead of printing a regex. Keyed by the pattern source.
 */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [NAME_PATTERN]: 'lowercase letters, digits, "_" and "-"',
  '^[a-z0-9][a-z0-9_-]{0,62}$':
    'lowercase letters, digits, "_" and "-" (starting with a letter or digit, at most 63)',
  '^[^#+]+$': 'a topic without the MQTT wildcards # and +',
};
