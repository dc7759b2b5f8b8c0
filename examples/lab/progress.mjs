// Progress display: a redrawn bar on a TTY, plain periodic lines otherwise (CI logs stay readable).
export function createProgress(stream = process.stdout) {
  const tty = Boolean(stream.isTTY);
  let lastLine = 0;
  return {
    update(label, done, total, extra = '') {
      if (tty) {
        const width = 24;
        const filled = Math.round((done / total) * width);
        stream.write(`\r  ${label.padEnd(28)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`.slice(0, 120).padEnd(100));
      } else if (done === total || Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        stream.write(`  ${label}: ${done}/${total} ${extra}\n`);
      }
    },
    end() {
      if (tty) stream.write('\n');
    },
  };
}
