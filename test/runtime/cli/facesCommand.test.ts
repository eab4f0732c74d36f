import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import { facesCommand } from '../../../runtime/cli/facesCommand';
import { tempDir } from '../../helpers/tempDir';
import { ceilingWithoutPeople, portrait } from '../faces/faceImages';
import { hugePng, SVG_BOMB } from '../faces/imageBombs';

const runner = new InProcessRunner('wasm');
after(() => runner.close());

/** Runs `vigil faces …` in-process, collecting what it prints. */
async function vigilFaces(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await facesCommand(
    args,
    {},
    {
      runner,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  );
  return { code, stdout, stderr };
}

describe('vigil faces', () => {
  const dir = tempDir();
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `device: { id: test-pi, name: Test Pi }\ndata_dir: ${join(dir, 'data')}\n`);
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const people = () => {
    const db = new Database(join(dir, 'data', 'vigil.db'), { readonly: true });
    try {
      return db.prepare('SELECT name, list FROM face_people ORDER BY name').all();
    } finally {
      db.close();
    }
  };

  test('list on an empty gallery says how to enroll', async () => {
    const result = await vigilFaces(['list', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no faces enrolled; add one with: vigil faces enroll/);
  });

  test('enroll adds a person from image files, into the configured data_dir', async () => {
    const alex = file('alex.png', await portrait(0));
    const result = await vigilFaces(['enroll', '--config', config, '--name', 'Alex', alex]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^enrolled Alex \(known list\): 1 face, 1 in total\n/);
    assert.match(result.stdout, /alex\.png: face \d+ px, score 0\.\d\d, sharpness \d+/);

    const mallory = await vigilFaces([
      'enroll',
      '-c',
      config,
      '--name',
      'Mallory',
      '--list',
      'blacklist',
      file('m1.png', await portrait(4)),
      file('m2.jpg', await portrait(4)),
    ]);
    assert.equal(mallory.code, 0, mallory.stderr);
    assert.match(mallory.stdout, /enrolled Mallory \(blacklist list\): 2 faces, 2 in total/);
    assert.deepEqual(people(), [
      { name: 'Alex', list: 'known' },
      { name: 'Mallory', list: 'blacklist' },
    ]);
  });

  test('list shows everyone with their list and number of faces', async () => {
    const result = await vigilFaces(['list', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+LIST\s+FACES\s+ENROLLED$/);
    assert.match(lines[1] ?? '', /^Alex\s+known\s+1\s+\d{4}-\d\d-\d\d$/);
    assert.match(lines[2] ?? '', /^Mallory\s+blacklist\s+2\s+\d{4}-\d\d-\d\d$/);
    assert.equal(lines[3], '2 people: 1 known, 1 blacklisted');
  });

  test('exits 2 with a clear message on bad input, and enrolls nothing', async () => {
    const good = file('good.png', await portrait(1));
    const cases: Array<[string[], RegExp]> = [
      [
        ['enroll', '--config', config, '--name', 'Casey', join(dir, 'missing.jpg')],
        /missing\.jpg: no such file/,
      ],
      [
        [
          'enroll',
          '--config',
          config,
          '--name',
          'Casey',
          good,
          file('ceiling.png', await ceilingWithoutPeople()),
        ],
        /no face found in .*ceiling\.png .*; nothing was enrolled/,
      ],
      [
        ['enroll', '--config', config, '--name', 'Casey', good, file('bomb.svg', SVG_BOMB)],
        /bomb\.svg is not a JPEG, PNG or WebP image .*; nothing was enrolled/,
      ],
      [
        ['enroll', '--config', config, '--name', 'Casey', file('huge.png', hugePng(16_000))],
        /huge\.png is 16000×16000 pixels, more than the 40 megapixels accepted/,
      ],
      [
        ['enroll', '--config', config, '--name', 'Casey', '--list', 'vip', good],
        /--list: unknown list 'vip'; use one of known, blacklist/,
      ],
      [['enroll', '--config', config, good], /'enroll' needs --name NAME/],
      [['enroll', '--config', config, '--name', 'Casey'], /needs at least one IMAGE/],
      [
        ['enroll', '--config', config, '--name', 'Alex', '--list', 'blacklist', good],
        /Alex is on the known list/,
      ],
      [
        ['enroll', '--config', join(dir, 'nope.yaml'), '--name', 'Casey', good],
        /cannot read the config file/,
      ],
      [['rename', '--config', config], /unknown subcommand 'rename'/],
      [['list', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await vigilFaces(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.deepEqual(people(), [
      { name: 'Alex', list: 'known' },
      { name: 'Mallory', list: 'blacklist' },
    ]);
  });
});
