const MAX_RETURN_PATH = 4096;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The path itself when it is a same-origin relative path (`/deep/page?x=1`), else undefined.
 * Refuses what a browser could read as another origin: `//evil.com`, `/\evil.com`, schemes, and
 * the same hidden behind percent-encoding in the path part.
 */
export function safeReturnPath(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length > MAX_RETURN_PATH) return undefined;
  if (path.includes('\\') || CONTROL.test(path)) return undefined;
  const pathPart = path.split(/[?#]/, 1)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return undefined;
  }
  for (const candidate of [pathPart, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//')) return undefined;
    if (candidate.includes('\\') || CONTROL.test(candidate)) return undefined;
  }
  return path;
}
