const MASK = '***';
// Shorter values (a language code, a page number) are not secrets and would mask ordinary words.
const MIN_SECRET_LENGTH = 8;

/**
 * Masks every secret (the appSecret, the tokens a request carried) found in `text`, as sent and
 * URL-encoded: an upstream that echoes a request (WeChat's errmsg sometimes quotes it) must not put
 * a secret into an error or a log line.
 */
export function scrubSecrets(text: string, secrets: readonly unknown[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      scrubbed = scrubbed.split(form).join(MASK);
    }
  }
  return scrubbed;
}
