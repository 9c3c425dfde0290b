import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DOWNLOAD_FILENAME, downloadFilename } from './download-filename.js';

describe('downloadFilename', () => {
  it.each([
    ['attachment; filename="MEDIA_ID.jpg"', 'MEDIA_ID.jpg'],
    ['attachment; filename=MEDIA_ID.jpg', 'MEDIA_ID.jpg'],
    ['attachment; filename="../../../../etc/cron.d/evil"', 'evil'],
    ['attachment; filename="..\\..\\windows\\system32\\evil.dll"', 'evil.dll'],
    ['attachment; filename="/etc/passwd"', 'passwd'],
    ['attachment; filename=".bashrc"', 'bashrc'],
    ['attachment; filename="a\u0000b\u0007c\u001b.jpg"', 'abc.jpg'],
    ['attachment; filename="C:evil.exe"', 'Cevil.exe'],
    ['attachment; filename=".."', DEFAULT_DOWNLOAD_FILENAME],
    ['attachment; filename="../"', DEFAULT_DOWNLOAD_FILENAME],
    ['attachment; filename=""', DEFAULT_DOWNLOAD_FILENAME],
    // From an attack on the first version: Windows devices, trailing dots, C1 controls.
    ['attachment; filename="CON"', '_CON'],
    ['attachment; filename="nul.txt"', '_nul.txt'],
    ['attachment; filename="x.jpg.   ..."', 'x.jpg'],
    ['attachment; filename="a\u0085\u009bb.jpg"', 'ab.jpg'],
    ['attachment; filename="console.log"', 'console.log'],
  ])('%s gives %j', (disposition, expected) => {
    expect(downloadFilename(disposition)).toBe(expected);
  });

  it('is undefined when no file is named', () => {
    expect(downloadFilename(undefined)).toBeUndefined();
    expect(downloadFilename('inline')).toBeUndefined();
  });

  it('keeps a name short', () => {
    expect(downloadFilename(`attachment; filename="${'a'.repeat(1000)}.jpg"`)).toHaveLength(200);
  });
});
