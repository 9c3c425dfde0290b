import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmulatorClock } from './emulator-clock.js';

/** The kinds of temporary media the emulator keeps. */
export type EmulatorMediaType = 'image' | 'voice' | 'video' | 'thumb';

/** Temporary media held on disk, never in memory. */
export interface StoredMedia {
  mediaId: string;
  type: EmulatorMediaType;
  /** Lower-case extension of the uploaded file name, e.g. `jpg`. */
  extension: string;
  path: string;
  size: number;
  createdAt: number;
}

// Temporary media (临时素材) live 3 days.
const LIFETIME_MS = 3 * 86_400_000;

/**
 * The files of `media/upload`, in a folder of their own under `baseDir` (made on the first
 * upload, removed by `close()`).
 */
export class MediaStore {
  private folder?: Promise<string>;
  private readonly media = new Map<string, StoredMedia>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly baseDir = tmpdir(),
  ) {}

  /** A new media id and the path its file is to be written to. */
  async reserve(): Promise<{ mediaId: string; path: string }> {
    this.folder ??= mkdtemp(join(this.baseDir, 'wechat-emulator-media-'));
    const mediaId = randomBytes(48).toString('base64url');
    return { mediaId, path: join(await this.folder, mediaId) };
  }

  add(media: Omit<StoredMedia, 'createdAt'>): StoredMedia {
    this.forgetExpired();
    const stored = { ...media, createdAt: this.clock.now() };
    this.media.set(media.mediaId, stored);
    return stored;
  }

  /** The media of this id while it lives. */
  live(mediaId: string | null): StoredMedia | undefined {
    const media = mediaId ? this.media.get(mediaId) : undefined;
    return media && this.clock.now() - media.createdAt < LIFETIME_MS ? media : undefined;
  }

  async close(): Promise<void> {
    const folder = this.folder;
    this.folder = undefined;
    this.media.clear();
    if (folder) await rm(await folder, { recursive: true, force: true });
  }

  private forgetExpired(): void {
    for (const [mediaId, media] of this.media) {
      if (this.live(mediaId)) continue;
      this.media.delete(mediaId);
      unlink(media.path).catch(() => undefined);
    }
  }
}
