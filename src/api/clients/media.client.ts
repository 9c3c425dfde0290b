import { WeChatArgumentError, WeChatTransportError } from '../wechat-api.error.js';
import { WeChatApiClient } from '../wechat-api.client.js';
import { type WeChatDownload } from '../wechat-http.js';
import { MultipartBody, type UploadFile } from './multipart-body.js';

/** The kinds of temporary media WeChat stores. */
export type MediaType = 'image' | 'voice' | 'video' | 'thumb';

/** An uploaded temporary medium (kept 3 days by WeChat). */
export interface UploadedMedia {
  type: MediaType;
  mediaId: string;
  createdAt: Date;
}

const TYPES = new Set<MediaType>(['image', 'voice', 'video', 'thumb']);

/** Temporary media (临时素材): uploads and downloads as streams, never whole files in memory. */
export class MediaClient {
  constructor(private readonly api: WeChatApiClient) {}

  /**
   * Uploads a temporary medium. A Buffer or a stream factory (`() => createReadStream(path)`) may
   * be sent again if the token must be renewed; a plain stream can be sent only once.
   */
  async uploadTemporary(type: MediaType, file: UploadFile): Promise<UploadedMedia> {
    if (!TYPES.has(type))
      throw new WeChatArgumentError('type', `must be one of ${[...TYPES].join(', ')}`);
    if (!file?.filename || !file.body)
      throw new WeChatArgumentError('file', 'needs filename and body');
    const body = new MultipartBody('media', file);
    // A thumbnail's id comes back as thumb_media_id.
    type Reply = {
      type: MediaType;
      media_id?: string;
      thumb_media_id?: string;
      created_at: number;
    };
    let reply: Reply;
    try {
      reply = await this.api.upload<Reply>(
        '/cgi-bin/media/upload',
        { type },
        () => body.stream(),
        body.headers,
        body.repeatable,
      );
    } finally {
      body.dispose();
    }
    const mediaId = reply.media_id ?? reply.thumb_media_id ?? '';
    return { type: reply.type, mediaId, createdAt: new Date(reply.created_at * 1000) };
  }

  /**
   * Downloads a temporary medium as a stream (pipe it; it is not buffered). A video is answered
   * by WeChat with a `video_url`, which is followed when option `download.urlAllowList` admits it,
   * so every type comes back as a stream. Every failure, the stream's included, is a typed error.
   */
  async downloadTemporary(mediaId: string): Promise<WeChatDownload> {
    if (typeof mediaId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(mediaId)) {
      throw new WeChatArgumentError('mediaId', 'is not a media_id');
    }
    const download = await this.api.download('/cgi-bin/media/get', { media_id: mediaId });
    if ('stream' in download) return download;
    if (typeof download.json.video_url !== 'string') {
      throw new WeChatTransportError(
        '/cgi-bin/media/get',
        'the answer is JSON without a file or video_url',
      );
    }
    return this.api.downloadUrl(download.json.video_url, 'video_url');
  }
}
