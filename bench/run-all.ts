import { benchColdStartFetches } from './cold-start-fetches.bench.js';
import { benchTokenHotPath } from './token-hot-path.bench.js';

const benches: [string, () => Promise<void>][] = [
  ['Token hot path', benchTokenHotPath],
  ['Cold start', benchColdStartFetches],
];

for (const [title, run] of benches) {
  console.log(`\n== ${title} ==`);
  await run();
}
