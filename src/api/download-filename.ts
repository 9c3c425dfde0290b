/** The name given when WeChat's name reduces to nothing. */
export const DEFAULT_DOWNLOAD_FILENAME = 'download';
const MAX_LENGTH = 200;

/**
 * The file name of a Content-Disposition header, reduced to a safe base name: the last path
 * segment only (no `/`, `\`, `..`), no control characters or characters Windows refuses, no
 * leading dots; `download` when nothing is left. Undefined when the header names no file.
 */
export function downloadFilename(disposition: string | undefined): string | undefined {
  const named = /filename\s*=\s*("([^"]*)"|[^;]*)/i.exec(disposition ?? '');
  if (!named) return undefined;
  const raw = named[2] ?? named[1];
  const base = raw.split(/[/\\]/).pop() ?? '';
  const safe = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, MAX_LENGTH);
  return safe === '' ? DEFAULT_DOWNLOAD_FILENAME : safe;
}
