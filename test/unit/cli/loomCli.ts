import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../engine/run/runHarness';

/** The built CLI (`npm run build`). */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** `loom ARGS` as a user runs it: a child process with a minimal environment, its output once it ends. */
export function loom(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `loom ARGS` still running: its output so far, and how it ended once it does (to answer its questions from another `loom`). */
export function loomLive(args: string[]): { output: () => string; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  let stdout = '';
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { output: () => stdout, done };
}
