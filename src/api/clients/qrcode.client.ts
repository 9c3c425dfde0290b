import { type ResolvedWeChatOptions } from '../../options/wechat-module-options.interface.js';
import { WeChatArgumentError } from '../wechat-api.error.js';
import { WeChatApiClient } from '../wechat-api.client.js';

/** A parametric QR code: numeric or string scene. */
export type QrScene = { sceneId: number } | { sceneStr: string };

/** A created QR code: its ticket, lifetime and the URL it encodes. */
export interface QrCode {
  /** Shows the image through `imageUrl(ticket)`. */
  ticket: string;
  /** The URL the code encodes. */
  url: string;
  /** Seconds to live; absent for permanent codes. */
  expireSeconds?: number;
}

const MAX_TEMPORARY_SECONDS = 2_592_000;
const MAX_PERMANENT_SCENE_ID = 100_000;
const MAX_SCENE_STR = 64;

/** Parametric QR codes (带参数二维码). */
export class QrCodeClient {
  constructor(
    private readonly api: WeChatApiClient,
    private readonly options: ResolvedWeChatOptions,
  ) {}

  /** A temporary code living `expireSeconds` (60 to 2,592,000; default 2,592,000). */
  async createTemporary(scene: QrScene, expireSeconds = MAX_TEMPORARY_SECONDS): Promise<QrCode> {
    if (
      !Number.isInteger(expireSeconds) ||
      expireSeconds < 60 ||
      expireSeconds > MAX_TEMPORARY_SECONDS
    ) {
      throw new WeChatArgumentError(
        'expireSeconds',
        `must be a whole number from 60 to ${MAX_TEMPORARY_SECONDS}`,
      );
    }
    // Temporary numeric scenes are 32-bit and non-zero.
    const actionInfo = sceneOf(scene, 4_294_967_295);
    return this.create('sceneId' in scene ? 'QR_SCENE' : 'QR_STR_SCENE', actionInfo, expireSeconds);
  }

  /** A permanent code (numeric scene 1 to 100,000, or a string scene of 1 to 64 characters). */
  async createPermanent(scene: QrScene): Promise<QrCode> {
    const actionInfo = sceneOf(scene, MAX_PERMANENT_SCENE_ID);
    return this.create('sceneId' in scene ? 'QR_LIMIT_SCENE' : 'QR_LIMIT_STR_SCENE', actionInfo);
  }

  /** Where the code's image is served (`showqrcode`); no token needed. */
  imageUrl(ticket: string): string {
    return `${this.options.mpBaseUrl}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
  }

  private async create(
    actionName: string,
    actionInfo: object,
    expireSeconds?: number,
  ): Promise<QrCode> {
    const reply = await this.api.post<{ ticket: string; url: string; expire_seconds?: number }>(
      '/cgi-bin/qrcode/create',
      { expire_seconds: expireSeconds, action_name: actionName, action_info: actionInfo },
    );
    return { ticket: reply.ticket, url: reply.url, expireSeconds: reply.expire_seconds };
  }
}

function sceneOf(scene: QrScene, maxSceneId: number): object {
  if (scene && 'sceneId' in scene) {
    if (!Number.isInteger(scene.sceneId) || scene.sceneId < 1 || scene.sceneId > maxSceneId) {
      throw new WeChatArgumentError('sceneId', `must be a whole number from 1 to ${maxSceneId}`);
    }
    return { scene: { scene_id: scene.sceneId } };
  }
  if (scene && 'sceneStr' in scene) {
    const length = typeof scene.sceneStr === 'string' ? [...scene.sceneStr].length : 0;
    if (length < 1 || length > MAX_SCENE_STR) {
      throw new WeChatArgumentError('sceneStr', `must be 1 to ${MAX_SCENE_STR} characters`);
    }
    return { scene: { scene_str: scene.sceneStr } };
  }
  throw new WeChatArgumentError('scene', 'must be { sceneId } or { sceneStr }');
}
