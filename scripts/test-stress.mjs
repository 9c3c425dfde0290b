// Runs the Jest suite again and again beside a CPU hog and prints the tally: the suite must not
// depend on how fast or busy the machine is (see README, "Development").
//   node scripts/test-stress.mjs [--runs 20] [--no-hog]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Buffer } from 'node:buffer';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, 'no-hog': { type: 'boolean' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs takes a whole number, got ${values.runs}`);

const logs = mkdtempSync(join(tmpdir(), 'nestjs-wechat-stress-'));
const hog = values['no-hog']
  ? undefined
  : spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
let jest;
const stopHog = () => {
  hog?.kill();
  jest?.kill();
};
process.on('exit', stopHog);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const tally = { passed: 0, failed: 0 };
const wallTimes = [];
const startedAll = Date.now();
console.log(`${runs} runs of the Jest suite${hog ? ', a CPU hog beside it' : ''}; logs in ${logs}`);
for (let run = 1; run <= runs; run++) {
  const result = join(logs, `run-${run}.json`);
  const started = Date.now();
  const { code, output } = await runJest(['--json', `--outputFile=${result}`]);
  const seconds = (Date.now() - started) / 1000;
  wallTimes.push(seconds);
  writeFileSync(join(logs, `run-${run}.log`), output);
  const summary = readSummary(result);
  if (code === 0) tally.passed += 1;
  else tally.failed += 1;
  console.log(
    `run ${run}/${runs}: ${code === 0 ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s` +
      (summary ? ` (${summary.passed} tests passed, ${summary.failed} failed)` : ''),
  );
  for (const name of summary?.failures ?? []) console.log(`  failed: ${name}`);
}
stopHog();

const sorted = [...wallTimes].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(
  `\nstress: ${tally.passed} of ${runs} runs passed, ${tally.failed} failed; ` +
    `suite wall time median ${median.toFixed(1)} s, min ${sorted[0].toFixed(1)} s, ` +
    `max ${sorted.at(-1).toFixed(1)} s; all runs ${((Date.now() - startedAll) / 60_000).toFixed(1)} min`,
);
process.exit(tally.failed > 0 ? 1 : 0);

function runJest(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/jest/bin/jest.js', ...args], {
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    jest = child;
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks) }));
  });
}

function readSummary(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const failures = report.testResults.flatMap((suite) =>
      suite.assertionResults.filter((t) => t.status === 'failed').map((t) => t.fullName),
    );
    // A suite that failed to run at all has no failed assertions: name the suite.
    for (const suite of report.testResults) {
      if (suite.status === 'failed' && !suite.assertionResults.some((t) => t.status === 'failed')) {
        failures.push(
          `${suite.name}: ${suite.message.split('\n').find(Boolean) ?? 'failed to run'}`,
        );
      }
    }
    return { passed: report.numPassedTests, failed: report.numFailedTests, failures };
  } catch {
    return undefined;
  }
}
