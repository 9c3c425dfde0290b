import { verdict } from './bench-app.js';

/** The median: robust to one round disturbed by the rest of the machine. */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * Measures a baseline and a candidate in alternated rounds (so drift in the machine's load hits
 * both alike), prints both and the candidate/baseline ratio of their medians against `minRatio`.
 */
export async function compareSideBySide(options: {
  unit: string;
  rounds: number;
  baseline: { label: string; measure: () => Promise<number> };
  candidate: { label: string; measure: () => Promise<number> };
  minRatio: number;
}): Promise<void> {
  const { unit, rounds, baseline, candidate, minRatio } = options;
  const results = new Map<string, number[]>([
    [baseline.label, []],
    [candidate.label, []],
  ]);
  for (let round = 0; round < rounds; round++) {
    for (const side of [baseline, candidate]) results.get(side.label)!.push(await side.measure());
  }
  console.table(
    [...results].map(([label, values]) => ({
      '': label,
      [`${unit} (median)`]: Math.round(median(values)),
      rounds: values.map(Math.round).join(', '),
    })),
  );
  const ratio = median(results.get(candidate.label)!) / median(results.get(baseline.label)!);
  console.log(
    `${candidate.label} / ${baseline.label}: ${verdict(ratio, `>= ${minRatio}`, ratio >= minRatio)}`,
  );
}
