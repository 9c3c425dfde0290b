import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { type IncomingMessage } from 'node:http';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What came of a multipart upload of one file field. */
export type Upload =
  | { outcome: 'saved'; filename: string; size: number }
  | { outcome: 'missing' | 'refused' | 'tooLarge' | 'empty' };

export interface UploadRules {
  /** The form field that carries the file. */
  field: string;
  maxBytes: number;
  /** Whether a file of this name is accepted at all (its type, by extension). */
  accepts(filename: string): boolean;
}

/**
 * Streams the file of a `multipart/form-data` request to `path` as it arrives: memory stays
 * bounded whatever the size. Anything but a saved file leaves nothing at `path`.
 */
export async function receiveUpload(
  req: IncomingMessage,
  path: string,
  rules: UploadRules,
): Promise<Upload> {
  let parser: busboy.Busboy;
  try {
    // One byte past the limit tells a file of exactly maxBytes from a larger one.
    parser = busboy({ headers: req.headers, limits: { fileSize: rules.maxBytes + 1 } });
  } catch {
    return { outcome: 'missing' };
  }
  // Set by the parser's events, so TypeScript must not narrow it here.
  let upload = { outcome: 'missing' } as Upload;
  let saving: { file: Readable; done: Promise<void>; closed: Promise<void> } | undefined;
  parser.on('file', (field, file, info) => {
    if (field !== rules.field || upload.outcome !== 'missing' || saving) {
      file.resume();
    } else if (!rules.accepts(info.filename ?? '')) {
      upload = { outcome: 'refused' };
      file.resume();
    } else {
      const out = createWriteStream(path);
      // A failed pipeline settles before the file's open has finished; removing the file must
      // wait for the stream to close, or an open that comes late creates it after the unlink.
      const closed = new Promise<void>((resolve) => out.once('close', resolve));
      const done = pipeline(file, out).then(() => {
        if (file.truncated) upload = { outcome: 'tooLarge' };
        else if (out.bytesWritten === 0) upload = { outcome: 'empty' };
        else upload = { outcome: 'saved', filename: info.filename ?? '', size: out.bytesWritten };
      });
      saving = { file, done, closed };
    }
  });
  try {
    await pipeline(req, parser);
    await saving?.done;
  } catch {
    // A malformed or cut-off form carries no usable file.
    saving?.file.destroy();
    await saving?.done.catch(() => undefined);
    upload = { outcome: 'missing' };
  }
  if (upload.outcome !== 'saved') {
    await saving?.closed;
    await unlink(path).catch(() => undefined);
  }
  return upload;
}
