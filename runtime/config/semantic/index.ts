import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { PathIssue } from '../../../base/pathIssue';
import { type Config, ConfigSchema } from '../schema/index';
import { alarmIssues, routeTargets } from './alarm';
import { cameraDetectorIssues, cameraIssues } from './cameras';
import { detectorIssues, httpIssues, mqttIssues, retentionIssues, timezoneIssues } from './general';
import { gpioIssues } from './gpio';

type Area = keyof Config;

/** A check across settings that a schema cannot express, with the areas it reads. */
interface SemanticCheck {
  areas: Area[];
  run(config: Config): PathIssue[];
}

const CHECKS: readonly SemanticCheck[] = [
  { areas: ['device'], run: timezoneIssues },
  { areas: ['gpio', 'cameras'], run: (config) => gpioIssues(config.gpio, Object.keys(config.cameras)) },
  {
    areas: ['alarm', 'gpio', 'events'],
    run: (c) => alarmIssues(c.alarm, routeTargets(c.gpio, c.events.webhooks)),
  },
  {
    areas: ['cameras'],
    run: (config) => Object.entries(config.cameras).flatMap(([name, camera]) => cameraIssues(name, camera)),
  },
  { areas: ['detectors'], run: detectorIssues },
  {
    areas: ['cameras', 'detectors'],
    run: (config) => cameraDetectorIssues(config.cameras, config.detectors),
  },
  { areas: ['mqtt', 'gpio'], run: mqttIssues },
  { areas: ['retention'], run: retentionIssues },
  { areas: ['http'], run: httpIssues },
];

/**
 * Runs every semantic check whose areas passed schema validation. Checks rely on the
 * types, so an area with schema errors is skipped rather than half-checked; every
 * other area is still checked, so one run reports as much as it safely can.
 */
export function semanticIssues(value: Record<string, unknown>): PathIssue[] {
  const valid = (area: Area) => Value.Check(ConfigSchema.properties[area] as TSchema, value[area]);
  const config = value as Config;
  return CHECKS.filter((check) => check.areas.every(valid)).flatMap((check) => check.run(config));
}
