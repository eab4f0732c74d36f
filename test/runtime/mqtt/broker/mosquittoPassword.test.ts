import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generatePassword, mosquittoPasswordHash } from '../../../../runtime/mqtt/broker/mosquittoPassword';
import { tempDir } from '../../../helpers/tempDir';

test('generated passwords are 192 random bits, URL-safe', () => {
  const passwords = Array.from({ length: 50 }, () => generatePassword());
  for (const password of passwords) assert.match(password, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(new Set(passwords).size, passwords.length);
  assert.equal(Buffer.from(passwords[0] as string, 'base64url').length * 8, 192);
});

test("the hash is exactly what Debian's mosquitto_passwd writes for the same salt", () => {
  const file = join(tempDir(), 'passwd');
  const password = generatePassword();
  execFileSync('mosquitto_passwd', ['-c', '-b', file, 'front-pi', password]);
  const line = readFileSync(file, 'utf8').trim();
  const [user, theirs] = line.split(':') as [string, string];
  assert.equal(user, 'front-pi');
  const match = /^\$7\$101\$([A-Za-z0-9+/=]{16})\$[A-Za-z0-9+/=]{88}$/.exec(theirs);
  assert.ok(match, `mosquitto_passwd wrote ${theirs}`);
  const salt = Buffer.from(match[1] as string, 'base64');
  assert.equal(mosquittoPasswordHash(password, salt), theirs);
  assert.notEqual(mosquittoPasswordHash(`${password}x`, salt), theirs, 'another password, another hash');
});

test('each hash has its own salt and never contains the password', () => {
  const password = generatePassword();
  const first = mosquittoPasswordHash(password);
  const second = mosquittoPasswordHash(password);
  assert.match(first, /^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
  assert.notEqual(first, second);
  assert.ok(!first.includes(password));
});
