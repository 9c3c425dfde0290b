import { type Logger } from '@nestjs/common';
import { type WeChatClock } from '../clock/wechat-clock.js';
import { WeChatConfigurationError, WeChatQuotaError } from '../api/wechat-api.error.js';
import { settlesWithin } from '../common/settles-within.js';
import { BeijingDayCounter } from '../store/beijing-day-counter.js';
import {
  type CredentialStore,
  type StoredCredential,
} from '../store/credential-store.interface.js';
import { notRenewed, type TimedCredential, timeCredential } from './credential-timing.js';
import { type RefreshScheduler } from './refresh-scheduler.js';
import { isNewerCredential } from '../store/credential-order.js';
import { impossibleTimes, MAX_CREDENTIAL_LIFETIME_SECONDS } from './credential-plausibility.js';

// Enough for the tokens a cluster goes through in a failover or two.
const MAX_REMEMBERED_REFUSALS = 8;

/** What a credential fetch brings back from WeChat. */
export interface FetchedCredential {
  value: string;
  expiresInSeconds: number;
}

/** What a `SharedCredential` manages and how it gets a new one. */
export interface CredentialSpec {
  /** For messages: `access_token`, `jsapi_ticket`. */
  label: string;
  /** The store key, unique per account and credential. */
  storeKey: string;
  /** The name of its refresh in the scheduler (and the app's `SchedulerRegistry`). */
  timerName: string;
  /** The WeChat endpoint it comes from, for the daily fetch counter (`/cgi-bin/token`). */
  upstream: string;
  /** `force` asks for a new credential even where WeChat would hand back the current one. */
  fetch(force: boolean): Promise<FetchedCredential>;
}

export interface CredentialTiming {
  refreshAheadMs: number;
  /** How long a configuration or quota error is answered without asking WeChat again. */
  failureCooldownMs: number;
  /** Lease of the fetch lock: longer than a fetch with all its retries can take. */
  leaseMs: number;
  /** Pause between background retries after a failed refresh. */
  retryDelayMs: number;
}

/** Counters and times of one credential, without the credential itself. */
export interface CredentialStatus {
  fetchedAt?: Date;
  expiresAt?: Date;
  refreshAt?: Date;
  /** Upstream fetches this process made. */
  fetches: number;
  /** Times this process waited for another holder of the fetch lock. */
  lockWaits: number;
  lastError?: string;
  lastErrorAt?: Date;
}

/**
 * One credential shared by every caller of a process and every process on the store: served from
 * memory while fresh, refreshed ahead of expiry by a timer, fetched at most once at a time
 * (single-flight in the process, the store's lock across processes).
 */
export class SharedCredential {
  private held?: TimedCredential;
  private inflight?: Promise<TimedCredential>;
  /** The last fetch this process made: its number (of `fetches`) and what it brought. */
  private lastFetch?: { number: number; value: string };
  private latchedFailure?: { error: Error; until: number };
  private backgroundPausedUntil = 0;
  private fetches = 0;
  private lockWaits = 0;
  private lastError?: { message: string; at: number };
  private readonly dailyFetches: BeijingDayCounter;
  private closing = false;
  private abandoned = false;
  /** The account was removed: nothing fetched from now on goes into the store. */
  private forgotten = false;
  private readonly stopListening: (() => void)[] = [];
  /** Values WeChat has refused (invalidated by a caller), newest last. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly spec: CredentialSpec,
    private readonly store: CredentialStore,
    private readonly scheduler: RefreshScheduler,
    private readonly timing: CredentialTiming,
    private readonly logger: Logger,
    private readonly clock: WeChatClock,
  ) {
    // Keyed by the path without its leading slash (`…:fetches:cgi-bin/token:2026-05-01`).
    const upstream = spec.upstream.replace(/^\//, '');
    this.dailyFetches = new BeijingDayCounter(store, `${spec.storeKey}:fetches:${upstream}`, clock);
    // Another instance stored a newer credential: take it now rather than at our next refresh.
    const unwatch = store.watch?.(spec.storeKey, () => void this.adoptNewerFromStore());
    const unrecover = store.onRecovered?.(() => void this.reconcile());
    for (const stop of [unwatch, unrecover]) if (stop) this.stopListening.push(stop);
  }

  /** The current credential; the hot path touches nothing but memory. */
  get(): Promise<string> {
    const held = this.held;
    if (held !== undefined && this.clock.now() < held.refreshAt) return Promise.resolve(held.value);
    return this.getPastRefreshPoint();
  }

  /** A new credential unless one fresh enough is at hand; `force` insists on a new fetch. */
  async refresh(force = false): Promise<string> {
    if (!force) return (await this.load()).value;
    // A fetch started after this request: by this process (counted exactly), or by another one
    // (judged by the clock, strictly: milliseconds, or a frozen test clock, cannot tell a fetch
    // in the same millisecond from one before it, and a LAN answers within one).
    const requestedAt = Math.max(this.clock.now(), this.held?.fetchedAt ?? 0);
    const fetchesBefore = this.fetches;
    for (;;) {
      const credential = await this.load(requestedAt);
      if (credential.fetchedAt > requestedAt) return credential.value;
      const ours = this.lastFetch;
      if (ours && ours.number > fetchesBefore && ours.value === credential.value) {
        return credential.value;
      }
    }
  }

  /** Forgets `value` here and in the store, unless a newer credential has replaced it already. */
  async invalidate(value: string): Promise<boolean> {
    if (this.held?.value === value) this.held = undefined;
    // WeChat refused it: never taken from the store again, even where a store failover brings
    // back data from before the delete (a replica promoted before it had the delete).
    this.refused.add(value);
    if (this.refused.size > MAX_REMEMBERED_REFUSALS) {
      this.refused.delete(this.refused.values().next().value!);
    }
    return this.store.deleteIfValue(this.spec.storeKey, value);
  }

  /** Upstream fetches of this credential today (Beijing day), counted by the whole cluster. */
  fetchesToday(): Promise<number> {
    return this.dailyFetches.read();
  }

  /**
   * For shutdown, before the store closes: no more refreshes ahead of expiry, and resolves once
   * the load in flight has stored what it fetched. One that outlasts `graceMs` is abandoned:
   * nothing it does afterwards is logged (the HTTP layer then cuts it).
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    // Real time: the grace is how long the network may take, whatever the clock says.
    const deadline = Date.now() + Math.min(graceMs, this.timing.leaseMs);
    while (this.inflight) {
      if (!(await settlesWithin(this.inflight, deadline - Date.now()))) {
        this.abandoned = true;
        return;
      }
    }
  }

  /** For an account removed: no more refreshes, and the store's listeners let go. */
  forget(): void {
    this.closing = true;
    this.forgotten = true;
    this.scheduler.cancel(this.spec.timerName);
    for (const stop of this.stopListening.splice(0)) stop();
    // A fetch in flight may store its credential before it hears of this: take it out again.
    this.inflight
      ?.then((credential) => this.store.deleteIfValue(this.spec.storeKey, credential.value))
      .catch(() => undefined);
  }

  status(): CredentialStatus {
    const held = this.held;
    return {
      fetchedAt: held && new Date(held.fetchedAt),
      expiresAt: held && new Date(held.expiresAt),
      refreshAt: held && new Date(held.refreshAt),
      fetches: this.fetches,
      lockWaits: this.lockWaits,
      lastError: this.lastError?.message,
      lastErrorAt: this.lastError && new Date(this.lastError.at),
    };
  }

  private async getPastRefreshPoint(): Promise<string> {
    const held = this.held;
    if (this.isServable(held)) {
      this.refreshInBackground();
      return held.value;
    }
    try {
      return (await this.load()).value;
    } catch (error) {
      // A store read inside the failed load may have left a credential that is still servable.
      const servable = this.held;
      if (this.isServable(servable)) return servable.value;
      throw error;
    }
  }

  private isServable(held: TimedCredential | undefined): held is TimedCredential {
    return held !== undefined && this.clock.now() < held.staleAt;
  }

  private refreshInBackground(): void {
    if (this.closing || this.inflight || this.clock.now() < this.backgroundPausedUntil) return;
    this.load().catch(() => {
      // fetchUpstream has logged the failure; try again after a pause, not on every call.
      this.backgroundPausedUntil = this.clock.now() + this.timing.retryDelayMs;
      this.scheduler.schedule(this.timerName, this.timing.retryDelayMs, () =>
        this.refreshInBackground(),
      );
    });
  }

  private load(newerThan?: number): Promise<TimedCredential> {
    this.inflight ??= this.loadOnce(newerThan).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async loadOnce(newerThan: number | undefined): Promise<TimedCredential> {
    const { storeKey } = this.spec;
    let waited = false;
    for (;;) {
      const stored = await this.readStored();
      if (this.isAcceptable(stored, newerThan)) return this.adopt(stored);
      this.keepServable(stored);

      const leaseId = await this.store.acquireLock(this.lockKey, this.timing.leaseMs);
      if (leaseId === undefined) {
        // Another instance is fetching: wait for its result, never longer than its lease.
        // A wait is counted once, however often the store wakes it to look again.
        if (!waited) this.lockWaits += 1;
        waited = true;
        await this.store.waitForChange(storeKey, this.timing.leaseMs);
        continue;
      }
      try {
        // Whoever held the lock before may have just stored a new credential.
        const latest = await this.readStored();
        if (this.isAcceptable(latest, newerThan)) return this.adopt(latest);
        const number = this.fetches + 1;
        const asked = await this.fetchUpstream(newerThan);
        this.lastFetch = { number, value: asked.value };
        const previous = latest ?? this.held;
        const fetched =
          previous?.value === asked.value
            ? notRenewed(previous, asked, this.timing.retryDelayMs)
            : asked;
        // Removed meanwhile: its callers get what was fetched, the store nothing.
        if (this.forgotten) return timeCredential(fetched, this.timing.refreshAheadMs);
        await this.store.set(storeKey, fetched);
        // The store keeps the newer of two credentials: the cluster adopts whichever it kept.
        const kept = await this.readStored();
        return this.adopt(kept && isNewerCredential(kept, fetched) ? kept : fetched);
      } finally {
        // A lease that cannot be released runs out by itself.
        await this.store.releaseLock(this.lockKey, leaseId).catch(() => undefined);
      }
    }
  }

  private isAcceptable(
    stored: StoredCredential | undefined,
    newerThan: number | undefined,
  ): stored is StoredCredential {
    if (!stored) return false;
    if (newerThan !== undefined && stored.fetchedAt <= newerThan) return false;
    return this.clock.now() < timeCredential(stored, this.timing.refreshAheadMs).refreshAt;
  }

  // A stored credential past its refresh point still serves callers while the refresh runs.
  private keepServable(stored: StoredCredential | undefined): void {
    if (!stored || stored.value === this.held?.value) return;
    const timed = timeCredential(stored, this.timing.refreshAheadMs);
    if (this.isServable(timed)) this.held = timed;
  }

  /** `newerThan`: a forced fetch, whose credential must be newer than that moment. */
  private async fetchUpstream(newerThan: number | undefined): Promise<StoredCredential> {
    const latched = this.latchedFailure;
    if (latched && this.clock.now() < latched.until) throw latched.error;
    this.fetches += 1;
    this.dailyFetches.increment().catch(() => undefined);
    // Counted from the moment of asking: conservative for expiry. Always later than the one held
    // (and than a forced refresh's request), even within a millisecond, so the store (which keeps
    // the newer) takes it.
    const floor = Math.max(this.held?.fetchedAt ?? 0, newerThan ?? 0);
    const fetchedAt = Math.max(this.clock.now(), floor + 0.001);
    try {
      const { value, expiresInSeconds } = await this.spec.fetch(newerThan !== undefined);
      this.latchedFailure = undefined;
      // A longer expires_in (an upstream bug or a hostile one) would set timers past their limit.
      const lifetimeSeconds = Math.min(expiresInSeconds, MAX_CREDENTIAL_LIFETIME_SECONDS);
      return { value, fetchedAt, expiresAt: fetchedAt + lifetimeSeconds * 1000 };
    } catch (error) {
      const message = (error as Error).message;
      this.lastError = { message, at: this.clock.now() };
      // Shutdown gave up on this fetch: the app (and its logger) may be gone.
      if (this.abandoned) throw error;
      if (error instanceof WeChatConfigurationError || error instanceof WeChatQuotaError) {
        this.latchedFailure = { error, until: this.clock.now() + this.timing.failureCooldownMs };
        this.logger.error(`Cannot get the ${this.spec.label}: ${message}`);
      } else {
        this.logger.warn(`Fetching the ${this.spec.label} failed: ${message}`);
      }
      throw error;
    }
  }

  /**
   * The stored credential; one whose times are impossible, or that WeChat has refused, is
   * discarded (once) and absent.
   */
  private async readStored(): Promise<StoredCredential | undefined> {
    const stored = await this.store.get(this.spec.storeKey);
    if (stored && this.refused.has(stored.value)) {
      await this.store.deleteIfValue(this.spec.storeKey, stored.value).catch(() => false);
      return undefined;
    }
    const impossible = stored && impossibleTimes(stored, this.clock.now());
    if (!impossible) return stored;
    if (await this.store.deleteIfValue(this.spec.storeKey, stored.value).catch(() => false)) {
      this.logger.warn(
        `The stored ${this.spec.label} was discarded because ${impossible}; a new one is fetched`,
      );
    }
    return undefined;
  }

  private async adoptNewerFromStore(): Promise<void> {
    // Nothing held, nothing to bring up to date: the first caller reads the store anyway.
    if (this.closing || !this.held) return;
    try {
      const stored = await this.readStored();
      const held = this.held;
      if (this.isAcceptable(stored, undefined) && (!held || isNewerCredential(stored, held))) {
        this.adopt(stored);
      }
    } catch {
      // The store faltered; the timer or the next caller will look again.
    }
  }

  /**
   * After a store outage, instances may each hold a token of their own. The newest is the one
   * WeChat honours: offer ours (the store keeps the newer), then take whatever won.
   */
  private async reconcile(): Promise<void> {
    if (this.closing) return;
    const held = this.held;
    try {
      if (held) {
        const { value, fetchedAt, expiresAt, renewableAt } = held;
        await this.store.set(this.spec.storeKey, { value, fetchedAt, expiresAt, renewableAt });
      }
    } catch {
      // Gone again: the next recovery reconciles.
    }
    await this.adoptNewerFromStore();
  }

  private adopt(stored: StoredCredential): TimedCredential {
    // Never back to an older credential (WeChat honours the newer; in a tie of fetchedAt, the
    // order of isNewerCredential decides for everyone alike): a store read that began
    // before a newer one was adopted, from a watcher or a reconciliation, must not undo it.
    const held = this.held;
    if (held && held.value !== stored.value && isNewerCredential(held, stored)) return held;
    const timed = timeCredential(stored, this.timing.refreshAheadMs);
    this.held = timed;
    this.backgroundPausedUntil = 0;
    if (!this.closing) {
      this.scheduler.schedule(this.timerName, timed.refreshAt - this.clock.now(), () =>
        this.refreshInBackground(),
      );
    }
    return timed;
  }

  private get lockKey(): string {
    return `${this.spec.storeKey}:lock`;
  }

  private get timerName(): string {
    return this.spec.timerName;
  }
}
