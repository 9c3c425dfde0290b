import { describe, expect, it } from '@jest/globals';
import { safeReturnPath } from './return-path.js';

describe('safeReturnPath', () => {
  it.each([
    '/',
    '/orders/42',
    '/deep/path?with=query&and=%2F%2Fencoded-in-query',
    `/search?q=${'x'.repeat(2000)}`,
    '/page#section',
  ])('keeps %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each([
    '//evil.com',
    '//evil.com/path',
    '/\\evil.com',
    '\\\\evil.com',
    'https://evil.com',
    'javascript:alert(1)',
    'evil.com',
    '',
    '/%2F%2Fevil.com',
    '/%2fevil.com',
    '/%5Cevil.com',
    '/%5cevil.com',
    '/%0d%0aSet-Cookie:x=1',
    '/\r\nLocation: https://evil.com',
    '/%E0%A4%A',
    `/${'x'.repeat(5000)}`,
  ])('refuses %j', (path) => {
    expect(safeReturnPath(path)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(safeReturnPath(['/a'])).toBeUndefined();
    expect(safeReturnPath(undefined)).toBeUndefined();
  });
});
