import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InProcessRunner } from '../../hal/accel/tfjs/inProcessRunner';
import type { ModelRunner } from '../../hal/accel/types';
import { type Config, DEMO_CONFIG_YAML, formatIssues, loadConfig } from '../config/index';
import { FaceAnalyzer } from '../faces/faceAnalyzer';
import { FaceEnroller } from '../faces/faceEnroller';
import { FaceGalleryError } from '../faces/faceErrors';
import { FaceGallery } from '../faces/gallery/faceGallery';
import type { PersonSummary } from '../faces/gallery/galleryStore';
import { openStandaloneDatabase } from '../faces/galleryDatabase';
import { checkFaceList, checkPersonName } from '../faces/personName';
import { databaseFileOf } from '../store/databaseFile';

/** Usage of `vigil faces`, printed on a usage error. */
const FACES_USAGE = `Usage:
  vigil faces enroll [--config FILE] --name NAME [--list known|blacklist] IMAGE...
  vigil faces list [--config FILE]
`;

/** Where the command writes, and optionally an already loaded model runner (tests share one). */
export interface FacesCommandIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  runner?: ModelRunner;
}

/**
 * `vigil faces enroll|list`: manages the face gallery in the configured database (the same file
 * `vigil run` uses, which may be running). Exit 0 on success; 2 with a message on bad input (no
 * such file, no usable face, unknown list, bad config); 1 when the database fails.
 */
export async function facesCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: FacesCommandIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const fail = (message: string): number => {
    stderr.write(`vigil faces: ${message}\n`);
    return 2;
  };

  let parsed: ReturnType<typeof parseFacesArgs>;
  try {
    parsed = parseFacesArgs(args);
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${FACES_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [subcommand, ...images] = positionals;
  if (values.help) {
    stdout.write(FACES_USAGE);
    return 0;
  }
  if (subcommand !== 'enroll' && subcommand !== 'list') {
    return fail(
      `${subcommand ? `unknown subcommand '${subcommand}'` : 'missing subcommand'}\n\n${FACES_USAGE}`,
    );
  }

  const configFile = values.config ?? env.VIGIL_CONFIG;
  const loaded = configFile
    ? loadConfig({ file: configFile, env })
    : loadConfig({ text: DEMO_CONFIG_YAML, env });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.errors)) stderr.write(`${line}\n`);
    return fail(`${loaded.errors.length} error(s) in ${configFile ?? 'the embedded demo config'}`);
  }

  if (subcommand === 'list') {
    if (images.length > 0) return fail(`'list' takes no arguments (got ${images.join(' ')})`);
    if (values.name !== undefined || values.list !== undefined) return fail("'list' takes only --config");
    return withGallery(loaded.config, stderr, async (gallery) => {
      stdout.write(formatPeople(gallery.people()));
      return 0;
    });
  }

  if (values.name === undefined) return fail("'enroll' needs --name NAME");
  if (images.length === 0) return fail("'enroll' needs at least one IMAGE file");
  try {
    checkPersonName(values.name, '--name');
    if (values.list !== undefined) checkFaceList(values.list, '--list');
  } catch (err) {
    return fail((err as Error).message);
  }
  const missing = images.filter((file) => !existsSync(file));
  if (missing.length > 0) return fail(missing.map((file) => `${file}: no such file`).join('\n'));

  const config = loaded.config;
  const runner = io.runner ?? new InProcessRunner('wasm');
  try {
    return await withGallery(config, stderr, async (gallery) => {
      const analyzer = new FaceAnalyzer(runner, { minFaceSize: config.faces.min_face_size });
      const enroller = new FaceEnroller(analyzer, gallery);
      try {
        const result = await enroller.enroll({
          name: values.name ?? '',
          list: values.list,
          images: images.map((file) => ({ input: file, label: file, field: 'IMAGE' })),
        });
        const { person } = result;
        stdout.write(
          `${result.created ? 'enrolled' : 'added to'} ${person.name} (${person.list} list): ${result.added} face${plural(result.added)}, ${person.descriptors} in total\n`,
        );
        for (const face of result.faces) {
          stdout.write(
            `  ${face.label}: face ${Math.round(face.sizePx)} px, score ${face.score.toFixed(2)}, sharpness ${face.sharpness.toFixed(0)}\n`,
          );
        }
        return 0;
      } catch (err) {
        if (err instanceof FaceGalleryError) return fail(`${err.message}; nothing was enrolled`);
        throw err;
      }
    });
  } finally {
    if (!io.runner) await runner.close();
  }
}

function parseFacesArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      name: { type: 'string', short: 'n' },
      list: { type: 'string', short: 'l' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Opens the gallery in the configured database, runs `action`, closes it; database failures exit 1. */
async function withGallery(
  config: Config,
  stderr: { write(text: string): unknown },
  action: (gallery: FaceGallery) => Promise<number>,
): Promise<number> {
  let database: ReturnType<typeof openStandaloneDatabase>;
  try {
    database = openStandaloneDatabase(databaseFileOf(config));
  } catch (err) {
    stderr.write(`vigil faces: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const gallery = new FaceGallery({
      db: database.db,
      writer: database.writer,
      threshold: config.faces.recognition_threshold,
      unknownRetainDays: config.faces.unknown_retain_days,
    });
    return await action(gallery);
  } finally {
    database.close();
  }
}

/** The gallery as a table: name, list, descriptors, enrolled date. */
function formatPeople(people: PersonSummary[]): string {
  if (people.length === 0)
    return 'no faces enrolled; add one with: vigil faces enroll --name NAME IMAGE...\n';
  const rows = [
    ['NAME', 'LIST', 'FACES', 'ENROLLED'],
    ...people.map((p) => [
      p.name,
      p.list,
      String(p.descriptors),
      new Date(p.created_at).toISOString().slice(0, 10),
    ]),
  ];
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  const lines = rows.map((row) =>
    row.map((cell, col) => (col < 3 ? cell.padEnd((widths[col] ?? 0) + 2) : cell)).join(''),
  );
  const blacklisted = people.filter((p) => p.list === 'blacklist').length;
  lines.push(
    `${people.length} ${people.length === 1 ? 'person' : 'people'}: ${people.length - blacklisted} known, ${blacklisted} blacklisted`,
  );
  return `${lines.join('\n')}\n`;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
