import { isAbsolute, join } from 'node:path';
import type { Config } from '../config/schema/index';

/** The database file of a config: `storage.database`, relative to `data_dir` unless absolute. */
export function databaseFileOf(config: Pick<Config, 'data_dir' | 'storage'>): string {
  const path = config.storage.database;
  return isAbsolute(path) ? path : join(config.data_dir, path);
}
