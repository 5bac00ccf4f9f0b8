import type { CliIo } from '../cli-context.ts';

/** A CliIo that keeps every line, for tests that run a command in process; no environment. */
export function capturedIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), env: {} };
}
