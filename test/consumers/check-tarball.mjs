import { execFileSync } from 'node:child_process';

/** The packed library ships a LICENSE, and source maps that carry the sources they point at. */
export function checkTarball(tarball) {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  if (!files.includes('package/LICENSE')) throw new Error('the tarball has no LICENSE');
  const maps = files.filter((file) => file.endsWith('.js.map'));
  if (maps.length === 0) throw new Error('the tarball has no source maps');
  for (const map of maps) {
    const json = JSON.parse(execFileSync('tar', ['-xzOf', tarball, map], { encoding: 'utf8' }));
    if (json.sources.length !== json.sourcesContent?.filter((s) => typeof s === 'string').length) {
      throw new Error(`${map} points at sources it does not carry`);
    }
  }
  console.log(`tarball: LICENSE and ${maps.length} self-contained source maps`);
}
