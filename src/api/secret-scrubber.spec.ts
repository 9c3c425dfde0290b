import { describe, expect, it } from '@jest/globals';
import { scrubSecrets } from './secret-scrubber.js';

describe('scrubSecrets', () => {
  it('masks each secret, as sent and URL-encoded, wherever it occurs', () => {
    const secret = 'app/secret+0123456789';
    const token = '96_Zm9vYmFyYmF6cXV4';
    const text = `bad ${token}, again ${token}; secret=${encodeURIComponent(secret)} or ${secret}`;
    expect(scrubSecrets(text, [secret, token])).toBe('bad ***, again ***; secret=*** or ***');
  });

  it.each([
    ['base64', (s: string) => Buffer.from(s).toString('base64')],
    ['base64 without padding', (s: string) => Buffer.from(s).toString('base64').replace(/=+$/, '')],
    ['base64url', (s: string) => Buffer.from(s).toString('base64url')],
    ['URL-encoded base64', (s: string) => encodeURIComponent(Buffer.from(s).toString('base64'))],
    ['hex', (s: string) => Buffer.from(s).toString('hex')],
    ['upper-case hex', (s: string) => Buffer.from(s).toString('hex').toUpperCase()],
    ['JSON-escaped', (s: string) => JSON.stringify(s).slice(1, -1)],
  ])('masks a secret written in %s', (_form, write) => {
    const secret = 'a"pp/secret+0123456789~?';
    const text = `invalid credential ${write(secret)} rid: 6912f3a2-1b2c3d4e`;
    const scrubbed = scrubSecrets(text, [secret]);
    expect(scrubbed).toBe('invalid credential *** rid: 6912f3a2-1b2c3d4e');
  });

  it('leaves short and missing values alone (they are not secrets)', () => {
    expect(scrubSecrets('lang zh_CN page 1', ['zh_CN', '1', undefined, 7])).toBe(
      'lang zh_CN page 1',
    );
  });
});
