// Figures as the accounts bench prints them.
import { loadavg } from 'node:os';

/** Words for less and more of what is counted. */
export const FEWER: [string, string] = ['fewer', 'more'];

/** How `ours` compares with `theirs`, in words for less and more of it. */
export function compare(ours: number, theirs: number, [less, more]: [string, string]): string {
  if (ours === theirs) return 'the same';
  if (ours === 0) return `none vs ${count(theirs)}`;
  const ratio = theirs / ours;
  return ratio >= 1 ? `${times(ratio)} ${less}` : `${times(1 / ratio)} ${more}`;
}

function times(ratio: number): string {
  return `${ratio >= 10 ? Math.round(ratio).toLocaleString('en') : ratio.toFixed(1)}x`;
}

export function count(value: number): string {
  return value.toLocaleString('en');
}

export function milliseconds(ms: number): string {
  return `${Math.round(ms).toLocaleString('en')} ms`;
}

export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MB`;
  return value >= 1024 ? `${(value / 1024).toFixed(1)} KB` : `${Math.round(value)} B`;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ');
}
