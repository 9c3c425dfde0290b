import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs cookie values as `<purpose>.<payload>.<HMAC-SHA256>`. The first secret signs; every
 * secret verifies, so a secret can be rotated (new one first, old one kept until its cookies have
 * expired) without signing anyone out. The purpose is signed too: a cookie of one kind is never
 * accepted as another.
 */
export class CookieSigner {
  constructor(
    private readonly purpose: string,
    private readonly secrets: readonly string[],
  ) {
    if (secrets.length === 0) throw new Error('CookieSigner needs at least one secret');
  }

  sign(payload: string): string {
    return `${this.purpose}.${payload}.${this.mac(this.secrets[0], payload)}`;
  }

  /** The payload of a genuine cookie of this purpose, or undefined. */
  open(cookie: string): string | undefined {
    const [purpose, payload, signature, extra] = cookie.split('.');
    if (purpose !== this.purpose || !payload || !signature || extra !== undefined) return undefined;
    const given = Buffer.from(signature);
    for (const secret of this.secrets) {
      const expected = Buffer.from(this.mac(secret, payload));
      if (given.length === expected.length && timingSafeEqual(given, expected)) return payload;
    }
    return undefined;
  }

  private mac(secret: string, payload: string): string {
    return createHmac('sha256', secret).update(`${this.purpose}.${payload}`).digest('base64url');
  }
}
