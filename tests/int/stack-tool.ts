import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@thalweg/platform/schemas';

export interface ToolRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the native stack's tools (`compose/native/stack.sh run <tool> ...`, which makes the
 * tool's environment on first use) in `cwd` (the repository root unless given: a tool that leaves
 * caches where it runs is given a directory of the test's own), with `input` on its standard input.
 * The process is killed at the deadline, so a stuck tool fails its test instead of holding it.
 */
export function runStackTool(
  args: string[],
  { input = '', cwd = repoRoot, timeout = 120_000 }: { input?: string; cwd?: string; timeout?: number } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'compose/native/stack.sh'), 'run', ...args], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: AbortSignal.timeout(timeout),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      if (error.name === 'AbortError') stderr += `\n(killed after ${timeout} ms)`;
      else reject(error);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** What a failed run printed, for an assertion's message. */
export function describeRun(run: ToolRun): string {
  return `exit ${run.code ?? run.signal}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}
