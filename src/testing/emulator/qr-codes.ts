import { randomBytes } from 'node:crypto';
import { type EmulatorClock } from './emulator-clock.js';

/** The `action_name` of a QR code request. */
export type QrActionName = 'QR_SCENE' | 'QR_STR_SCENE' | 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE';
/** A QR code's scene as WeChat stores it: a number or a string. */
export type EmulatorQrScene = { scene_id: number } | { scene_str: string };

/** A QR code the account created, as `qrCodes()` lists it. */
export interface EmulatorQrCode {
  ticket: string;
  /** The content of the code, `http://weixin.qq.com/q/...`. */
  url: string;
  actionName: QrActionName;
  scene: EmulatorQrScene;
  /** Temporary codes: their lifetime in seconds and when they stop working (epoch ms). */
  expireSeconds?: number;
  expiresAt?: number;
}

/**
 * The account's QR codes with parameters. Choice where WeChat is not documented: a permanent
 * code stands for its scene, so asking again for the same scene answers the same ticket and url;
 * every temporary request makes a new code.
 */
export class QrCodes {
  private readonly byTicket = new Map<string, EmulatorQrCode>();
  private readonly permanent = new Map<string, EmulatorQrCode>();

  constructor(private readonly clock: EmulatorClock) {}

  createTemporary(
    actionName: QrActionName,
    scene: EmulatorQrScene,
    expireSeconds: number,
  ): EmulatorQrCode {
    const expiresAt = this.clock.now() + expireSeconds * 1000;
    return this.mint({ actionName, scene, expireSeconds, expiresAt });
  }

  createPermanent(actionName: QrActionName, scene: EmulatorQrScene): EmulatorQrCode {
    const key = `${actionName}\n${JSON.stringify(scene)}`;
    const existing = this.permanent.get(key);
    if (existing) return existing;
    const code = this.mint({ actionName, scene });
    this.permanent.set(key, code);
    return code;
  }

  /** The code of a ticket, while it works. */
  live(ticket: string): EmulatorQrCode | undefined {
    const code = this.byTicket.get(ticket);
    if (!code || (code.expiresAt !== undefined && this.clock.now() >= code.expiresAt)) return;
    return code;
  }

  all(): EmulatorQrCode[] {
    return [...this.byTicket.values()].map((code) => ({ ...code }));
  }

  private mint(fields: Omit<EmulatorQrCode, 'ticket' | 'url'>): EmulatorQrCode {
    const url = `http://weixin.qq.com/q/${randomBytes(15).toString('base64url')}`;
    // Real tickets are standard base64 wrapping the url, with + / = that must be URL-encoded.
    const ticket = Buffer.concat([randomBytes(12), Buffer.from(url), randomBytes(8)]).toString(
      'base64',
    );
    const code = { ticket, url, ...fields };
    this.byTicket.set(ticket, code);
    return code;
  }
}
