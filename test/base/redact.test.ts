import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretParameter, redactUrl, redactUrlsDeep, redactUrlsInText } from '../../base/redact';

describe('redactUrl', () => {
  it('removes the userinfo, whatever the password holds', () => {
    const cases: Array<[string, string]> = [
      ['rtsp://admin:hunter2@10.0.0.5:554/s1', 'rtsp://***@10.0.0.5:554/s1'],
      ['rtsp://admin:p@ss/word@cam/live', 'rtsp://***@cam/live'],
      ['rtsp://admin:p%40ss%2Fword@cam:554/live', 'rtsp://***@cam:554/live'],
      ['rtsp://admin:100%sure@cam/', 'rtsp://***@cam/'],
      ['rtsp://admin:a/b/c@cam', 'rtsp://***@cam'],
      ['mqtts://vigil:s3cret@broker:8883', 'mqtts://***@broker:8883'],
      ['http://onlyuser@cam/a', 'http://***@cam/a'],
      ['rtsp://10.0.0.5/s1', 'rtsp://10.0.0.5/s1'],
      ['mqtt://broker:1883', 'mqtt://broker:1883'],
    ];
    for (const [url, expected] of cases) assert.equal(redactUrl(url), expected, url);
  });

  it('masks secret-looking query and fragment parameters, case-insensitively, and keeps the rest as written', () => {
    assert.equal(
      redactUrl('http://cam/cgi-bin/snapshot.cgi?chn=1&user=admin&pwd=hunter2'),
      'http://cam/cgi-bin/snapshot.cgi?chn=1&user=***&pwd=***',
    );
    assert.equal(
      redactUrl(
        'https://h/x?PassWord=a&Token=b&API_KEY=c&apikey=d&access_token=e&signature=f&key=g&Secret=h&auth=i&username=j&pass=k&passwd=l',
      ),
      'https://h/x?PassWord=***&Token=***&API_KEY=***&apikey=***&access_token=***&signature=***&key=***&Secret=***&auth=***&username=***&pass=***&passwd=***',
    );
    assert.equal(
      redactUrl('https://s3/b/o?X-Amz-Signature=abc&client_secret=s&auth_token=t&X-Amz-Date=1'),
      'https://s3/b/o?X-Amz-Signature=***&client_secret=***&auth_token=***&X-Amz-Date=1',
    );
    assert.equal(redactUrl('https://h/cb#access_token=abc&state=1'), 'https://h/cb#access_token=***&state=1');
    assert.equal(redactUrl('https://h/x?%70wd=abc'), 'https://h/x?%70wd=***', 'percent-encoded name');
    assert.equal(redactUrl('rtsp://u:p@cam/s?channel=1&subtype=0'), 'rtsp://***@cam/s?channel=1&subtype=0');
    assert.equal(redactUrl('http://cam/a?flag&x=1'), 'http://cam/a?flag&x=1');
  });

  it('leaves strings that are not URLs alone', () => {
    for (const text of ['/dev/video0', '/media/clip.mp4', 'admin@example.com', 'pwd=x']) {
      assert.equal(redactUrl(text), text);
    }
  });

  it('names secret parameters', () => {
    assert.ok(isSecretParameter('PWD'));
    assert.ok(isSecretParameter('x-api-key'));
    assert.ok(!isSecretParameter('channel'));
    assert.ok(!isSecretParameter('monkey'), 'only whole words or compound endings');
  });
});

describe('redactUrlsInText', () => {
  it('redacts every URL inside free text: ffmpeg stderr, error messages', () => {
    assert.equal(
      redactUrlsInText('rtsp://admin:p@ss/word@cam/live: Connection refused'),
      'rtsp://***@cam/live: Connection refused',
    );
    assert.equal(
      redactUrlsInText(
        '[tcp @ 0x55d] Connection to tcp://127.0.0.1:1?timeout=0 failed; also http://u:x@cam/a?pwd=y and (rtsp://v:w@c/s)',
      ),
      '[tcp @ 0x55d] Connection to tcp://127.0.0.1:1?timeout=0 failed; also http://***@cam/a?pwd=*** and (rtsp://***@c/s)',
    );
    assert.equal(
      redactUrlsInText('file not found: rtsp://admin:p@ss/word@cam/… — check cameras.x.source.path'),
      'file not found: rtsp://***@cam/… — check cameras.x.source.path',
    );
    assert.equal(redactUrlsInText('"url":"rtsp://a:b@c/d","x":"e@f"'), '"url":"rtsp://***@c/d","x":"e@f"');
    assert.equal(redactUrlsInText('no url here: admin@cam, ?pwd=1'), 'no url here: admin@cam, ?pwd=1');
  });

  it('redacts every string of a structure, deep, and keeps the rest', () => {
    const input = {
      url: 'mqtt://u:p@b:1883',
      nested: [{ reason: 'ffmpeg exited: rtsp://a:hunter2@cam/s?user=admin&pwd=hunter2' }, 3, null, true],
      count: 2,
    };
    assert.deepEqual(redactUrlsDeep(input), {
      url: 'mqtt://***@b:1883',
      nested: [{ reason: 'ffmpeg exited: rtsp://***@cam/s?user=***&pwd=***' }, 3, null, true],
      count: 2,
    });
    assert.equal(input.url, 'mqtt://u:p@b:1883', 'the original is untouched');
  });
});
