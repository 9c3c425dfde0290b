/** The name given when WeChat's name reduces to nothing. */
export const DEFAULT_DOWNLOAD_FILENAME = 'download';
const MAX_LENGTH = 200;
// Names Windows reserves for devices, with or without an extension (`CON`, `nul.txt`, `COM1`).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/**
 * The file name of a Content-Disposition header, reduced to a safe base name: the last path
 * segment only (no `/`, `\`, `..`), no control characters (C0 and C1: header bytes arrive as
 * latin1, where a right-to-left override becomes C1 characters) or characters Windows refuses,
 * no leading dots, no trailing dots or spaces (Windows drops them: `x.jpg.` would become
 * `x.jpg`), no Windows device name; `download` when nothing is left. Undefined when the header
 * names no file.
 */
export function downloadFilename(disposition: string | undefined): string | undefined {
  const named = /filename\s*=\s*("([^"]*)"|[^;]*)/i.exec(disposition ?? '');
  if (!named) return undefined;
  const raw = named[2] ?? named[1];
  const base = raw.split(/[/\\]/).pop() ?? '';
  const safe = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, MAX_LENGTH)
    .replace(/[\s.]+$/, '');
  if (safe === '') return DEFAULT_DOWNLOAD_FILENAME;
  return WINDOWS_DEVICE.test(safe) ? `_${safe}` : safe;
}
