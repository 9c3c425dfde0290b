import { type EmulatorRouter } from '../emulator-router.js';
import { type QrActionName, type QrCodes, type EmulatorQrScene } from '../qr-codes.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody } from '../wechat-error-body.js';
import { isObject, jsonPost, type JsonObject } from './json-post.js';
import { protectedRoute } from './protected-route.js';

const DEFAULT_EXPIRE_SECONDS = 60;
const MAX_EXPIRE_SECONDS = 2_592_000;

// Temporary scene ids are 32-bit and non-zero; permanent ones 1..100000; strings 1-64 characters.
const ACTIONS: Record<
  string,
  { permanent: boolean; field: 'scene_id' | 'scene_str'; max: number }
> = {
  QR_SCENE: { permanent: false, field: 'scene_id', max: 0xffff_ffff },
  QR_STR_SCENE: { permanent: false, field: 'scene_str', max: 64 },
  QR_LIMIT_SCENE: { permanent: true, field: 'scene_id', max: 100_000 },
  QR_LIMIT_STR_SCENE: { permanent: true, field: 'scene_str', max: 64 },
};

// A 1x1 white baseline JPEG: showqrcode answers an image, and tests only need a real one.
const QR_IMAGE = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4' +
    'UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj' +
    'Y2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAUEAEA' +
    'AAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhED' +
    'EQA/AKAAD//Z',
  'base64',
);

type QrRequest =
  | { ok: true; actionName: QrActionName; scene: EmulatorQrScene; permanent: boolean }
  | { ok: false; errcode: number };

/**
 * QR codes with parameters (wechat-api.md section 6): `qrcode/create` on the api host and
 * `showqrcode` (on mp.weixin.qq.com in reality; on the emulator's one host here).
 *
 * Choices where WeChat is not documented: an unknown action_name answers 40052 and a missing or
 * out-of-range scene 40053, the codes of WeChat's table for them; an expire_seconds that is not
 * a positive number falls back to the 60-second default, and one above 30 days is clamped to
 * 30 days, as WeChat does; showqrcode answers `image/jpg` as the docs show, or a bare 404.
 */
export function registerQrCodeRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  codes: QrCodes,
): void {
  router.route(
    '/cgi-bin/qrcode/create',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const request = parse(body);
        if (!request.ok) return errorBody(request.errcode);
        if (request.permanent) {
          const code = codes.createPermanent(request.actionName, request.scene);
          return { ticket: code.ticket, url: code.url };
        }
        const asked = body.expire_seconds;
        const seconds =
          typeof asked === 'number' && asked > 0
            ? Math.min(Math.floor(asked), MAX_EXPIRE_SECONDS)
            : DEFAULT_EXPIRE_SECONDS;
        const code = codes.createTemporary(request.actionName, request.scene, seconds);
        return { ticket: code.ticket, expire_seconds: seconds, url: code.url };
      }),
    ),
  );

  router.route('/cgi-bin/showqrcode', (req) => {
    const code = codes.live(req.query.get('ticket') ?? '');
    if (!code) return { raw: { status: 404, body: '' } };
    return {
      raw: {
        status: 200,
        headers: { 'Content-Type': 'image/jpg', 'Content-Length': String(QR_IMAGE.length) },
        body: QR_IMAGE,
      },
    };
  });
}

function parse(body: JsonObject): QrRequest {
  const name = body.action_name;
  const rule = typeof name === 'string' && Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!rule) return { ok: false, errcode: 40052 };
  const info = isObject(body.action_info) ? body.action_info : {};
  const value = isObject(info.scene) ? info.scene[rule.field] : undefined;
  const fits =
    rule.field === 'scene_id'
      ? typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= rule.max
      : typeof value === 'string' && value.length >= 1 && value.length <= rule.max;
  if (!fits) return { ok: false, errcode: 40053 };
  const scene = { [rule.field]: value } as EmulatorQrScene;
  return { ok: true, actionName: name as QrActionName, scene, permanent: rule.permanent };
}
