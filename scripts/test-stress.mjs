// Runs the Jest legs (see jest-legs.mjs) one after another, again and again, beside a CPU hog
// and prints the tally: no test may depend on how fast or busy the machine is (see README,
// "Development").
//   node scripts/test-stress.mjs [--runs 20] [--no-hog]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Buffer } from 'node:buffer';
import { JEST_LEGS, jestArgs } from './jest-legs.mjs';

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
const wallTimes = new Map([...JEST_LEGS.map((leg) => [leg.name, []]), ['all legs', []]]);
const startedAll = Date.now();
console.log(
  `${runs} runs of the Jest legs${hog ? ', a CPU hog beside them' : ''}; logs in ${logs}`,
);
for (let run = 1; run <= runs; run++) {
  const legResults = [];
  for (const [index, leg] of JEST_LEGS.entries()) {
    const result = join(logs, `run-${run}-leg-${index + 1}.json`);
    const started = Date.now();
    const { code, output } = await runJest(
      jestArgs(leg.config, ['--json', `--outputFile=${result}`]),
    );
    const seconds = (Date.now() - started) / 1000;
    wallTimes.get(leg.name).push(seconds);
    writeFileSync(join(logs, `run-${run}-leg-${index + 1}.log`), output);
    legResults.push({ leg, code, seconds, summary: readSummary(result) });
  }
  wallTimes.get('all legs').push(legResults.reduce((sum, r) => sum + r.seconds, 0));
  const passed = legResults.every((r) => r.code === 0);
  if (passed) tally.passed += 1;
  else tally.failed += 1;
  const legs = legResults.map(
    ({ leg, code, seconds, summary }) =>
      `${leg.name} ${code === 0 ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s` +
      (summary ? ` (${summary.passed} passed, ${summary.failed} failed)` : ''),
  );
  console.log(`run ${run}/${runs}: ${passed ? 'passed' : 'FAILED'}; ${legs.join('; ')}`);
  for (const name of legResults.flatMap((r) => r.summary?.failures ?? [])) {
    console.log(`  failed: ${name}`);
  }
}
stopHog();

console.log(`\nstress: ${tally.passed} of ${runs} runs passed, ${tally.failed} failed`);
for (const [name, times] of wallTimes) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `  ${name}: wall time median ${median.toFixed(1)} s, min ${sorted[0].toFixed(1)} s, ` +
      `max ${sorted.at(-1).toFixed(1)} s`,
  );
}
console.log(`  all runs: ${((Date.now() - startedAll) / 60_000).toFixed(1)} min`);
process.exit(tally.failed > 0 ? 1 : 0);

function runJest(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
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
