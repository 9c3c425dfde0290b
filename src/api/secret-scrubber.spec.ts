import { describe, expect, it } from '@jest/globals';
import { scrubSecrets } from './secret-scrubber.js';

describe('scrubSecrets', () => {
  it('masks each secret, as sent and URL-encoded, wherever it occurs', () => {
    const secret = 'app/secret+0123456789';
    const token = '96_Zm9vYmFyYmF6cXV4';
    const text = `bad ${token}, again ${token}; secret=${encodeURIComponent(secret)} or ${secret}`;
    expect(scrubSecrets(text, [secret, token])).toBe('bad ***, again ***; secret=*** or ***');
  });

  it('leaves short and missing values alone (they are not secrets)', () => {
    expect(scrubSecrets('lang zh_CN page 1', ['zh_CN', '1', undefined, 7])).toBe(
      'lang zh_CN page 1',
    );
  });
});
