import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { WeChatArgumentError } from '../wechat-api.error.js';

/** A file to upload: a Buffer, a stream, or a function making a fresh stream (repeatable). */
export interface UploadFile {
  filename: string;
  body: Buffer | Readable | (() => Readable);
  /** Default from the file name's extension. */
  contentType?: string;
  /** Byte length of a stream body, if known: sent as Content-Length (else chunked). */
  size?: number;
}

// Would end the part's header line or its quoted filename: a header injection, refused.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_HEADER = /[\u0000-\u001f\u007f"]/;

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  wma: 'audio/x-ms-wma',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/**
 * A multipart/form-data body with one file field, produced as a stream: the file is never held
 * in memory whole. Each call of `stream()` starts a fresh body (from a fresh file stream when the
 * file is repeatable).
 */
export class MultipartBody {
  private readonly boundary = `----nestjs-wechat-${randomBytes(12).toString('hex')}`;
  private readonly head: Buffer;
  private readonly tail: Buffer;

  constructor(
    field: string,
    private readonly file: UploadFile,
  ) {
    const name = headerText('file.filename', file.filename).replace(/\\/g, '_');
    const type =
      file.contentType === undefined
        ? (TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream')
        : headerText('file.contentType', file.contentType);
    this.head = Buffer.from(
      `--${this.boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    );
    this.tail = Buffer.from(`\r\n--${this.boundary}--\r\n`);
  }

  get repeatable(): boolean {
    return !(this.file.body instanceof Readable);
  }

  get headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'Content-Type': `multipart/form-data; boundary=${this.boundary}`,
    };
    const size = Buffer.isBuffer(this.file.body) ? this.file.body.length : this.file.size;
    if (size !== undefined)
      headers['Content-Length'] = String(this.head.length + size + this.tail.length);
    return headers;
  }

  stream(): Readable {
    const { body } = this.file;
    const { head, tail } = this;
    return Readable.from(
      (async function* () {
        // Opened only when the request reads it, and closed however the request ends.
        const content = Buffer.isBuffer(body) ? [body] : typeof body === 'function' ? body() : body;
        try {
          yield head;
          for await (const chunk of content) yield chunk as Buffer;
          yield tail;
        } finally {
          if (content instanceof Readable) content.destroy();
        }
      })(),
      { objectMode: false },
    );
  }

  /** Releases a caller's stream that was never (fully) sent. */
  dispose(): void {
    if (this.file.body instanceof Readable) this.file.body.destroy();
  }
}

/** `value` as it may stand in a part's header: no CR, LF, other control character or quote. */
function headerText(argument: string, value: unknown): string {
  if (typeof value !== 'string' || UNSAFE_IN_HEADER.test(value)) {
    throw new WeChatArgumentError(
      argument,
      'must be a string without quotes, CR, LF or other control characters',
    );
  }
  return value;
}
