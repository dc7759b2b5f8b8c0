// Type consumption across TypeScript versions, run by .ci/run: installs the packed package and the
// oldest and the newest supported TypeScript 5.x from the registry into a temporary project, and
// compiles, under `strict` with `skipLibCheck: false` (so every line of nabla's .d.ts is checked):
//  - scripts/types-consumer/consumer.ts, as ESM (.mts) and CommonJS (.cts) under node16 resolution,
//    as plain .ts under node10 resolution (the `types` field), and, with TypeScript 5, under bundler
//    resolution — with no DOM and no @types/node, so the declarations must stand on their own;
//  - README.md's first example, as a user would paste it (lib DOM for `console`).
// The oldest version is the one README.md and docs/packaging.md declare.
// Usage (after npm run build): node scripts/check-types.mjs [nabla-x.y.z.tgz]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseExamples } from './doc-examples.mjs';

export const OLDEST = '4.7';
const NEWEST = '5';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nabla-types-'));
let code = 0;
try {
  let tarball = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  if (tarball === undefined) {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nabla-types-check', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball, `ts-oldest@npm:typescript@${OLDEST}`, `ts-newest@npm:typescript@${NEWEST}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const consumer = readFileSync(join(root, 'scripts/types-consumer/consumer.ts'), 'utf8');
  for (const ext of ['mts', 'cts', 'ts']) writeFileSync(join(dir, `consumer.${ext}`), consumer);
  const readme = parseExamples('README.md', readFileSync(join(root, 'README.md'), 'utf8')).find((b) => b.kind === 'run');
  if (readme === undefined) throw new Error('README.md has no ```ts run example');
  writeFileSync(join(dir, 'readme.mts'), `${readme.code}\nexport {};\n`);

  const base = { strict: true, skipLibCheck: false, noEmit: true, target: 'es2020', lib: ['es2020'], types: [] };
  const configs = {
    node16: { compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.mts', 'consumer.cts'] },
    node10: { compilerOptions: { ...base, module: 'commonjs', moduleResolution: 'node' }, files: ['consumer.ts'] },
    bundler: { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, files: ['consumer.ts'] },
    readme: { compilerOptions: { ...base, lib: ['es2020', 'dom'], module: 'node16', moduleResolution: 'node16' }, files: ['readme.mts'] },
  };
  for (const [name, config] of Object.entries(configs)) writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));

  for (const ts of ['ts-oldest', 'ts-newest']) {
    const tsc = join(dir, 'node_modules', ts, 'bin', 'tsc');
    const version = execFileSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' }).trim();
    // bundler resolution exists from TypeScript 5.0.
    const modes = ts === 'ts-oldest' ? ['node16', 'node10', 'readme'] : ['node16', 'node10', 'bundler', 'readme'];
    for (const mode of modes) {
      try {
        execFileSync(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], { cwd: dir, encoding: 'utf8' });
      } catch (e) {
        console.error(`check-types: ${version}, ${mode}: compile errors\n${e.stdout ?? ''}${e.stderr ?? ''}`);
        code = 1;
        continue;
      }
    }
    if (code === 0) console.log(`check-types: ${version} compiles the consumer (${modes.filter((m) => m !== 'readme').join(', ')} resolution) and README.md's example, strict, skipLibCheck off`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
