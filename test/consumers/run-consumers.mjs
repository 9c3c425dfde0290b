// Packs the library, installs the tarball (not a link) into fresh copies of the consumer apps
// kept here, and runs each as its users would: install, build, the built app's smoke run, and
// the app's own Jest tests (written as the README says). See README, "Compatibility".
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTarball } from './check-tarball.mjs';
import { checkSingleCopies } from './check-single-copies.mjs';

const here = import.meta.dirname;
const root = join(here, '..', '..');
const apps = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name.startsWith('nest'))
      .map((entry) => entry.name);

function run(command, args, cwd) {
  console.log(`\n$ ${command} ${args.join(' ')}   (in ${cwd})`);
  execFileSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' },
  });
}

const work = mkdtempSync(join(tmpdir(), 'nestjs-wechat-consumers-'));
const results = [];
try {
  run('npm', ['pack', '--pack-destination', work], root);
  const tarball = join(
    work,
    readdirSync(work).find((name) => name.endsWith('.tgz')),
  );
  checkTarball(tarball);

  for (const name of apps) {
    const app = join(work, name);
    try {
      cpSync(join(here, 'app-common'), app, { recursive: true });
      cpSync(join(here, name), app, { recursive: true });
      cpSync(tarball, join(app, 'nestjs-wechat.tgz'));
      run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], app);
      checkSingleCopies(app);
      run('npm', ['run', 'build'], app);
      run('node', ['dist/smoke.js'], app);
      run('npm', ['test'], app);
      results.push([name, true]);
    } catch (error) {
      console.error(`\n${name}: ${error.message}`);
      results.push([name, false]);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log('\nConsumer apps:');
for (const [name, ok] of results) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
const failed = results.filter(([, ok]) => !ok).length;
console.log(`consumers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && results.length === apps.length ? 0 : 1);
