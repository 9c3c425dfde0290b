import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type DownloadStop, GuardedDownload } from './guarded-download.js';
import { ShutdownSignal } from './shutdown-signal.js';

class DownloadFailed extends Error {
  constructor(readonly stop: DownloadStop) {
    super(`download failed: ${stop}`);
  }
}

const ticks = (count: number) =>
  Array.from({ length: count }).reduce<Promise<void>>(
    (previous) => previous.then(() => new Promise((resolve) => setImmediate(resolve))),
    Promise.resolve(),
  );

describe('GuardedDownload, failing before anyone listens', () => {
  const opened: GuardedDownload[] = [];
  // Error events emitted with no listener: each would have crashed the app (it is recorded and
  // swallowed here instead of thrown).
  const unlistened: unknown[] = [];

  function download(
    source: Readable,
    stop = new ShutdownSignal(),
    maxBytes?: number,
  ): GuardedDownload {
    const stream = new GuardedDownload(source, {
      idleTimeoutMs: 60_000,
      maxBytes,
      stop,
      toError: (reason) => new DownloadFailed(reason),
    });
    const emit = stream.emit.bind(stream);
    stream.emit = (event: string | symbol, ...args: unknown[]) => {
      if (event === 'error' && stream.listenerCount('error') === 0) {
        unlistened.push(args[0]);
        return false;
      }
      return emit(event, ...args);
    };
    opened.push(stream);
    return stream;
  }

  afterEach(() => {
    for (const stream of opened.splice(0)) stream.destroy();
    unlistened.length = 0;
  });

  async function readAll(stream: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('closes the source at once, emits nothing, and fails the reader that comes later', async () => {
    const source = new PassThrough();
    const stream = download(source);
    // Buffered (stream internals read ahead into an unread stream), then the source breaks.
    source.write('first bytes');
    await ticks(2);
    source.destroy(new Error('socket hang up'));
    await ticks(5);
    expect(unlistened).toEqual([]);
    expect(source.destroyed).toBe(true);
    await expect(readAll(stream)).rejects.toEqual(new DownloadFailed('cut-off'));
  });

  it('survives a failure in the same tick as a chunk (the read-ahead comes after it)', async () => {
    const source = new PassThrough();
    const stream = download(source);
    source.write('a chunk');
    source.destroy(new Error('corrupt'));
    await ticks(5);
    expect(unlistened).toEqual([]);
    await expect(pipeline(stream, new PassThrough())).rejects.toBeInstanceOf(DownloadFailed);
  });

  it('gives the failure to an error listener added later', async () => {
    const source = new PassThrough();
    const stream = download(source);
    source.destroy(new Error('reset'));
    await ticks(3);
    const failure = await new Promise((resolve) => stream.on('error', resolve));
    expect(failure).toEqual(new DownloadFailed('cut-off'));
    expect(unlistened).toEqual([]);
  });

  it('keeps the failure when an error listener comes and goes before it could be told', async () => {
    const source = new PassThrough();
    const stream = download(source);
    source.destroy(new Error('reset'));
    await ticks(2);
    const listener = () => undefined;
    stream.on('error', listener);
    stream.off('error', listener);
    await ticks(3);
    expect(unlistened).toEqual([]);
    await expect(readAll(stream)).rejects.toEqual(new DownloadFailed('cut-off'));
  });

  it('at shutdown, closes an unread download quietly and tells a later reader why', async () => {
    const stop = new ShutdownSignal();
    const source = new PassThrough();
    const stream = download(source, stop);
    stop.abort();
    await ticks(3);
    expect(unlistened).toEqual([]);
    expect(source.destroyed).toBe(true);
    await expect(readAll(stream)).rejects.toEqual(new DownloadFailed('shut-down'));
  });

  it('fails at once a download whose reader listens for errors', async () => {
    const source = new PassThrough();
    const stream = download(source);
    const failed = new Promise((resolve) => stream.once('error', resolve));
    source.destroy(new Error('reset'));
    await expect(failed).resolves.toEqual(new DownloadFailed('cut-off'));
  });

  it('gives at most maxBytes, then fails and stops reading the source', async () => {
    const source = new PassThrough();
    const stream = download(source, new ShutdownSignal(), 10);
    const given: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of stream) given.push(chunk as Buffer);
    })();
    source.write('0123456789');
    await ticks(2);
    source.write('x');
    await expect(reading).rejects.toEqual(new DownloadFailed('too-large'));
    expect(Buffer.concat(given).toString()).toBe('0123456789');
    expect(source.destroyed).toBe(true);
  });

  it('passes a file of exactly maxBytes', async () => {
    const source = new PassThrough();
    const stream = download(source, new ShutdownSignal(), 10);
    source.end('0123456789');
    await expect(readAll(stream)).resolves.toEqual(Buffer.from('0123456789'));
  });
});
