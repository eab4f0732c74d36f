import { isAbsolute, join } from 'node:path';
import { CENTRAL_MIGRATIONS } from './central/centralMigrations';
import { CentralReceiver } from './central/centralReceiver';
import { CentralRetention } from './central/centralRetention';
import { registerCentralRoutes } from './central/centralRoutes';
import { CentralStore } from './central/centralStore';
import type { Config } from './config/schema/index';
import {
  assembleDaemon,
  buildDaemonParts,
  type Daemon,
  type DaemonOptions,
  type DaemonParts,
} from './daemon';

/** What the central server is built from: the shared parts and where its database is. */
interface CentralParts extends DaemonParts {
  readonly databaseFile: string;
}

/** The central server (`vigil central`), built and not yet started. */
export type CentralApp = Daemon<CentralParts>;

/**
 * `vigil central`: the shared skeleton (daemon.ts, with the appliance's login) on its own database
 * (`central.database` in data_dir), the MQTT receiver, retention, and a read API on `http` that
 * needs the login like the appliance's. Same config file format as the appliance; only mqtt,
 * central, http, data_dir, log, storage and shutdown matter here.
 */
export async function buildCentralApp(config: Config, options: DaemonOptions): Promise<CentralApp> {
  const databaseFile = isAbsolute(config.central.database)
    ? config.central.database
    : join(config.data_dir, config.central.database);
  const parts = await buildDaemonParts(
    config,
    { file: databaseFile, migrations: CENTRAL_MIGRATIONS },
    options,
  );
  const { store, logging, metrics, web, auth } = parts;
  const receiver = new CentralReceiver({ config, store, logger: logging.forModule('central'), metrics });
  const retention = new CentralRetention({
    retention: config.central.retention,
    store,
    logger: logging.forModule('retention'),
    metrics,
  });
  let central: CentralStore | undefined;
  registerCentralRoutes(web.app, () => {
    central ??= new CentralStore(store.db);
    return central;
  });
  // Auth right after the store holding its sessions; the web server last, once everything is up.
  return assembleDaemon({ ...parts, databaseFile }, [store, auth, receiver, retention, web], {
    env: options.env,
    device: { id: 'central', name: 'Vigil central receiver' },
  });
}
