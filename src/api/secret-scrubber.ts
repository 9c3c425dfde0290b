const MASK = '***';
// Shorter values (a language code, a page number) are not secrets and would mask ordinary words.
const MIN_SECRET_LENGTH = 8;

/**
 * Masks every secret (the appSecret, the tokens a request carried) found in `text`, as sent,
 * URL-encoded, JSON-escaped, in base64 (standard and URL-safe, padded or not) and in hex (either
 * case): an upstream that echoes a request (WeChat's errmsg sometimes quotes it) must not put a
 * secret into an error or a log line, in any form that decodes back to it.
 */
export function scrubSecrets(text: string, secrets: readonly unknown[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of formsOf(secret)) scrubbed = scrubbed.split(form).join(MASK);
    // Hex is matched whatever its case.
    const hex = Buffer.from(secret).toString('hex');
    scrubbed = scrubbed.replace(new RegExp(hex, 'gi'), MASK);
  }
  return scrubbed;
}

/** The ways a secret is commonly written out, longest first (so a longer form is masked whole). */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const base64 = bytes.toString('base64');
  const forms = new Set([
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    secret,
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(base64),
  ]);
  return [...forms].sort((a, b) => b.length - a.length);
}
