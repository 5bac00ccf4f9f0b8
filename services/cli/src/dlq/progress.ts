import { processIo, type CliIo } from '../cli-context.ts';

/** Reports a long step: on a terminal, one line redrawn in place; otherwise a line when it starts and ends. */
export interface Progress {
  update(done: number, total: number): void;
  end(summary: string): void;
}

/**
 * Progress goes to stderr, so stdout keeps only the command's answer (its JSON with --json).
 * Redrawn at most ten times a second: a terminal is slower than a fast scan.
 */
export function progress(io: CliIo, step: string): Progress {
  const terminal = io === processIo && process.stderr.isTTY === true;
  let drawn = 0;
  if (!terminal) io.err(`${step}...`);
  return {
    update(done, total) {
      if (!terminal || Date.now() - drawn < 100) return;
      drawn = Date.now();
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      process.stderr.write(`\r\x1b[K${step}: ${done}/${total} records (${percent}%)`);
    },
    end(summary) {
      if (terminal) process.stderr.write('\r\x1b[K');
      io.err(`${step}: ${summary}`);
    },
  };
}
