import { type App, buildApp } from '../../../../runtime/app';
import { loadConfig } from '../../../../runtime/config/index';
import { freePort } from '../../../helpers/freePort';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** The appliance in this process, listening on a free port, with its log lines captured. */
export interface RunningApp {
  app: App;
  url: string;
  logs: LogLine[];
  stop(): Promise<void>;
}

/** Starts a camera-less appliance on `dataDir` with auth on (unless `http` says otherwise). */
export async function startApp(dataDir: string, http = '', extra = ''): Promise<RunningApp> {
  const port = await freePort();
  const yaml = [
    'device: { id: auth-test, name: Auth test }',
    `data_dir: ${dataDir}`,
    `http: { host: 127.0.0.1, port: ${port}${http ? `, ${http}` : ''} }`,
    'gpio: { siren: { driver: sim, pin: 17, direction: output, max_on: 60 } }',
    extra,
  ].join('\n');
  const loaded = loadConfig({ text: yaml, env: {} });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const logs: LogLine[] = [];
  const app = await buildApp(loaded.config, {
    env: {},
    logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  await app.runner.startAll();
  return {
    app,
    // https:// when `http` turns TLS on.
    url: app.parts.web.address ?? `http://127.0.0.1:${port}`,
    logs,
    stop: async () => {
      await app.shutdown.run('test end');
    },
  };
}

/** The password the appliance logged when it created the admin login, if it did. */
export function generatedPassword(logs: LogLine[]): string | undefined {
  const line = logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('admin password generated'));
  return typeof line?.password === 'string' ? line.password : undefined;
}

/** Logs in and returns the `name=value` of the session cookie. */
export async function logIn(url: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return sessionCookie(response);
}

export function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('vigil_session='));
  if (!cookie) throw new Error('no session cookie was set');
  return cookie.split(';', 1)[0] ?? '';
}
