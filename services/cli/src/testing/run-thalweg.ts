import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@thalweg/platform/schemas';

const main = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface ThalwegRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child process, the way an operator or CI does, and collects its output. */
export function runThalweg(args: string[], { env = {} as NodeJS.ProcessEnv } = {}): Promise<ThalwegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The run's output for assertion messages. */
export const transcript = (run: ThalwegRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
