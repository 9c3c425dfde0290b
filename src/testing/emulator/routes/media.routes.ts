import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import {
  type EmulatorRouter,
  type EmulatorStreamRequest,
  type RawReply,
} from '../emulator-router.js';
import { type MediaStore, type EmulatorMediaType, type StoredMedia } from '../media-store.js';
import { receiveUpload } from '../multipart-upload.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody } from '../wechat-error-body.js';
import { protectedRoute } from './protected-route.js';

const MB = 1024 * 1024;

/** WeChat's size limits of temporary media, in bytes. */
export const DEFAULT_MEDIA_SIZE_LIMITS: Readonly<Record<EmulatorMediaType, number>> = {
  image: 10 * MB,
  voice: 2 * MB,
  video: 10 * MB,
  thumb: 64 * 1024,
};

// Formats by extension (WeChat's list; the bytes are not sniffed) and the size errcode per type.
const RULES: Record<EmulatorMediaType, { extensions: string[]; sizeErrcode: number }> = {
  image: { extensions: ['jpg', 'jpeg', 'png', 'gif', 'bmp'], sizeErrcode: 40009 },
  voice: { extensions: ['amr', 'mp3'], sizeErrcode: 40010 },
  video: { extensions: ['mp4'], sizeErrcode: 40011 },
  thumb: { extensions: ['jpg', 'jpeg'], sizeErrcode: 40012 },
};

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

/** Where `video_url` points: video downloads need no token, as WeChat's video CDN. */
export const VIDEO_PREFIX = '/vweixinp.tc.qq.com/';

/**
 * Temporary media (wechat-api.md section 6): `media/upload` streams the `media` file of a
 * multipart form to disk, `media/get` streams it back; memory stays bounded whatever the size.
 *
 * Choices where WeChat is not documented: a file type that does not match `type` answers 40005;
 * a file over the limit answers the size code of its type (40009 image, 40010 voice, 40011
 * video, 40012 thumb); no `media` file 41005, an empty one 44001. As the docs show, a thumb's id
 * comes back as `thumb_media_id`, a video is answered with `{ video_url }` instead of its bytes,
 * and the download is named `MEDIA_ID.ext` (WeChat does not keep the uploaded name).
 */
export function registerMediaRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  store: MediaStore,
  sizeLimits: Readonly<Record<EmulatorMediaType, number>>,
): void {
  router.routeStream(
    '/cgi-bin/media/upload',
    protectedRoute(authority, async (req: EmulatorStreamRequest) => {
      if (req.method !== 'POST') return errorBody(43002);
      const type = req.query.get('type');
      if (!isMediaType(type)) return errorBody(40004);
      const { mediaId, path } = await store.reserve();
      const upload = await receiveUpload(req.stream, path, {
        field: 'media',
        maxBytes: sizeLimits[type],
        accepts: (filename) => RULES[type].extensions.includes(extensionOf(filename)),
      });
      if (upload.outcome !== 'saved') {
        const { sizeErrcode } = RULES[type];
        const refusals = { missing: 41005, refused: 40005, tooLarge: sizeErrcode, empty: 44001 };
        return errorBody(refusals[upload.outcome]);
      }
      const { filename, size } = upload;
      const media = store.add({ mediaId, type, extension: extensionOf(filename), path, size });
      const createdAt = Math.floor(media.createdAt / 1000);
      return type === 'thumb'
        ? { type, thumb_media_id: mediaId, created_at: createdAt }
        : { type, media_id: mediaId, created_at: createdAt };
    }),
  );

  router.route(
    '/cgi-bin/media/get',
    protectedRoute(authority, (req) => {
      const mediaId = req.query.get('media_id');
      if (!mediaId) return errorBody(41006);
      const media = store.live(mediaId);
      if (!media) return errorBody(40007);
      if (media.type !== 'video') return fileReply(media);
      return { video_url: `http://${req.headers.host}${VIDEO_PREFIX}${media.mediaId}.mp4` };
    }),
  );

  router.routePrefix(VIDEO_PREFIX, (req) => {
    const media = store.live(req.path.slice(VIDEO_PREFIX.length).replace(/\.mp4$/, ''));
    if (media?.type !== 'video') return { raw: { status: 404, body: '' } };
    return fileReply(media);
  });
}

function fileReply(media: StoredMedia): RawReply {
  return {
    raw: {
      status: 200,
      headers: {
        'Content-Type': CONTENT_TYPES[media.extension] ?? 'application/octet-stream',
        'Content-disposition': `attachment; filename="${media.mediaId}.${media.extension}"`,
        'Content-Length': String(media.size),
        'Cache-Control': 'no-cache, must-revalidate',
      },
      body: createReadStream(media.path),
    },
  };
}

function isMediaType(type: string | null): type is EmulatorMediaType {
  return type !== null && Object.hasOwn(RULES, type);
}

function extensionOf(filename: string): string {
  return extname(filename).slice(1).toLowerCase();
}
