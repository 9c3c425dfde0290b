import { resolve } from 'node:path';
import { ClusterWorker } from '../cluster/cluster-workers.js';

// Resolved from the package root, where npm runs the tests.
const ACCOUNTS_WORKER = resolve(process.cwd(), 'test/accounts/accounts-worker.mjs');

/** A token the callers of an account were given, with the times the worker held it under. */
export interface SeenToken {
  token: string;
  fetchedAt: number;
  refreshAt: number;
}

/** What the callers of one account went through in a worker (see accounts-worker.mjs). */
export interface AccountUse {
  calls: number;
  succeeded: number;
  /** The first few errors; `errorCount` counts them all. */
  errors: string[];
  errorCount: number;
  /** The account was not found any more (removed), so its caller stopped. */
  gone: boolean;
  /** In the order first seen. */
  tokens: SeenToken[];
}

export type AccountUses = Record<string, AccountUse>;

/** An app instance with several accounts in a process of its own (see accounts-worker.mjs). */
export type AccountsWorker = ClusterWorker;

/** Starts a process that waits for `open`. */
export function startAccountsWorker(): Promise<AccountsWorker> {
  return ClusterWorker.start(undefined, ACCOUNTS_WORKER);
}
