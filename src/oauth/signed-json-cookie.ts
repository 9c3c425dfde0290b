import { CookieSigner } from './cookie-signer.js';

/**
 * A JSON value in a signed cookie (`CookieSigner`): base64url JSON, signed under `purpose` by the
 * first secret, verified by any. Reading gives the value of a genuine cookie, or undefined for
 * anything else (forged, another purpose, not JSON).
 */
export class SignedJsonCookie {
  private readonly signer: CookieSigner;

  constructor(purpose: string, secrets: readonly string[]) {
    this.signer = new CookieSigner(purpose, secrets);
  }

  write(value: unknown): string {
    return this.signer.sign(Buffer.from(JSON.stringify(value)).toString('base64url'));
  }

  read(cookie: string | undefined): unknown {
    const payload = cookie && this.signer.open(cookie);
    if (!payload) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}
