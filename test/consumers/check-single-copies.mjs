import { execFileSync } from 'node:child_process';

const SHARED = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/axios',
  '@nestjs/schedule',
  '@nestjs/terminus',
  'reflect-metadata',
  'rxjs',
];

/** One copy of each Nest package in the app: the library brings none of its own. */
export function checkSingleCopies(app) {
  const tree = JSON.parse(
    execFileSync('npm', ['ls', '--all', '--json', ...SHARED], { cwd: app, encoding: 'utf8' }),
  );
  const copies = new Map(SHARED.map((name) => [name, new Set()]));
  const visit = (deps = {}) => {
    for (const [name, info] of Object.entries(deps)) {
      if (copies.has(name) && !info.deduped) copies.get(name).add(info.resolved ?? info.version);
      visit(info.dependencies);
    }
  };
  visit(tree.dependencies);
  for (const [name, found] of copies) {
    if (found.size !== 1)
      throw new Error(`${name}: ${found.size} copies (${[...found].join(', ')})`);
  }
  console.log(`one copy each of ${SHARED.join(', ')}`);
}
