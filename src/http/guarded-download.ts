import { Readable } from 'node:stream';
import { type StopSignal } from './shutdown-signal.js';

/** Why a guarded download ended before its last byte. */
export type DownloadStop = 'idle' | 'deadline' | 'shut-down' | 'cut-off' | 'too-large';

export interface DownloadGuard {
  /** Longest the source may send nothing while the reader waits for it. */
  idleTimeoutMs: number;
  /** Epoch ms by which the last byte must have arrived, if any. */
  deadlineAt?: number;
  /** Most bytes the reader may be given, if any; past it, the download fails and is not read on. */
  maxBytes?: number;
  /** The module's shutdown: the download is cut. */
  stop: StopSignal;
  /** The error the stream fails with, whatever ended it early (`cause`: the source's error). */
  toError(stop: DownloadStop, cause?: unknown): Error;
}

/**
 * A download's body, read from `source` as the reader asks for it, that fails (with the error
 * `guard.toError` makes) when the source idles past the idle timeout while the reader waits,
 * when the deadline passes, when it grows past `maxBytes`, when the module shuts down, or when the
 * source breaks off. A reader that pauses is not idling: the idle clock runs only while the
 * reader wants more.
 *
 * A failure before anyone listens for `error` (the app holds the download but has not begun to
 * read it) closes the source at once and waits: the stream fails when it is read or an `error`
 * listener is added. An `error` event with no listener would crash the app.
 */
export class GuardedDownload extends Readable {
  private idleTimer?: NodeJS.Timeout;
  private deadlineTimer?: NodeJS.Timeout;
  private settled = false;
  private received = 0;
  private stopListening: () => void = () => undefined;
  /** The failure that came while nobody listened for `error`. */
  private pending?: Error;
  private readonly onStop = () => this.fail('shut-down');
  private readonly onNewListener = (event: string | symbol) => {
    // Added after this call returns: the error goes out on the next tick, to the new listener.
    if (event === 'error') process.nextTick(() => this.deliverPending());
  };

  constructor(
    private readonly source: Readable,
    private readonly guard: DownloadGuard,
  ) {
    super();
    source.on('data', (chunk: Buffer) => this.forward(chunk));
    source.on('end', () => this.finish());
    source.on('error', (cause) => this.fail('cut-off', cause));
    source.on('close', () => this.fail('cut-off', new Error('the connection closed mid-body')));
    source.pause();
    if (guard.deadlineAt !== undefined) {
      this.deadlineTimer = setTimeout(
        () => this.fail('deadline'),
        Math.max(0, guard.deadlineAt - Date.now()),
      );
      this.deadlineTimer.unref();
    }
    this.stopListening = guard.stop.onAbort(this.onStop);
  }

  override _read(): void {
    if (this.pending) return this.deliverPending();
    if (this.settled) return;
    this.restartIdle();
    this.source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.settle();
    this.source.destroy();
    callback(error);
  }

  private forward(chunk: Buffer): void {
    if (this.settled) return;
    this.received += chunk.length;
    if (this.guard.maxBytes !== undefined && this.received > this.guard.maxBytes) {
      return this.fail('too-large');
    }
    if (this.push(chunk)) {
      this.restartIdle();
    } else {
      // The reader has enough for now: the source waits, and so does the idle clock.
      this.source.pause();
      clearTimeout(this.idleTimer);
    }
  }

  private finish(): void {
    if (this.settled) return;
    this.settle();
    this.push(null);
  }

  private fail(stop: DownloadStop, cause?: unknown): void {
    if (this.settled) return;
    this.settle();
    const error = this.guard.toError(stop, cause);
    if (this.listenerCount('error') > 0) return void this.destroy(error);
    this.pending = error;
    this.source.destroy();
    this.on('newListener', this.onNewListener);
  }

  // Stream internals also call `_read`, to fill the buffer of a stream nobody reads: only a reader
  // in flowing mode (a 'data' listener, pipe) or one that listens for errors gets the failure.
  private deliverPending(): void {
    const error = this.pending;
    if (!error || (this.readableFlowing !== true && this.listenerCount('error') === 0)) return;
    this.pending = undefined;
    this.off('newListener', this.onNewListener);
    this.destroy(error);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.deadlineTimer);
    this.stopListening();
  }

  private restartIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.fail('idle'), this.guard.idleTimeoutMs);
    this.idleTimer.unref();
  }
}
