// Builds nabla as it was at a git revision into bench/.baseline/dist (or bench/<dir>/dist), for
// benchmarks that compare against "before": bench/autograd.mjs (ops outside transforms vs nabla
// before autograd, in .baseline) and bench/kernels.mjs (ops on both backends vs nabla before the
// kernels, in .baseline-kernels: npm run bench:baseline -- "$(git log --format=%H -1 --grep="^Merge branch 'kernels'")^" .baseline-kernels).
// Usage: node bench/build-baseline.mjs [rev] [dir]   (default: the parent of the commit that added autograd, .baseline)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rev = process.argv[2] ?? execFileSync('git', ['log', '--format=%H', '-1', '--grep=^Autograd: a recording tape'], { cwd: root, encoding: 'utf8' }).trim() + '^';
const outDir = process.argv[3] ?? '.baseline';
if (!/^\.baseline[\w-]*$/.test(outDir)) throw new Error(`the output folder must be bench/.baseline…, got ${outDir}`);
const dir = mkdtempSync(join(tmpdir(), 'nabla-baseline-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
try {
  run('git', ['worktree', 'add', '--detach', dir, rev], root);
  run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  run('npm', ['run', 'build'], dir);
  rmSync(join(root, 'bench', outDir), { recursive: true, force: true });
  cpSync(join(dir, 'dist'), join(root, 'bench', outDir, 'dist'), { recursive: true });
  console.log(`bench/${outDir}/dist: nabla at ${rev}`);
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root });
}
