// Builds nabla as it was at a git revision into bench/.baseline/dist, for benchmarks that compare
// against "before" (bench/autograd.mjs: ops outside transforms vs nabla before autograd).
// Usage: node bench/build-baseline.mjs [rev]   (default: the parent of the commit that added autograd)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rev = process.argv[2] ?? execFileSync('git', ['log', '--format=%H', '-1', '--grep=^Autograd: a recording tape'], { cwd: root, encoding: 'utf8' }).trim() + '^';
const dir = mkdtempSync(join(tmpdir(), 'nabla-baseline-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
try {
  run('git', ['worktree', 'add', '--detach', dir, rev], root);
  run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  run('npm', ['run', 'build'], dir);
  rmSync(join(root, 'bench/.baseline'), { recursive: true, force: true });
  cpSync(join(dir, 'dist'), join(root, 'bench/.baseline/dist'), { recursive: true });
  console.log(`bench/.baseline/dist: nabla at ${rev}`);
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root });
}
