// Server processes for tests: started for real, ready once they log the URL they listen on.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export type Spawned = { child: ChildProcess; url: string; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

/**
 * Runs `command args` with `env` (nothing inherited) and resolves once a `cardql listening` log line
 * names the URL; rejects if the process exits first. The caller kills it (see `killAll`).
 */
export async function spawnServer(command: string, args: string[], env: Record<string, string | undefined>, children: ChildProcess[]): Promise<Spawned> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const listening = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"cardql listening"/.exec(stdout);
      if (listening) resolve(listening[1]!);
    });
    void exited.then((code) => reject(new Error(`${[command, ...args].join(' ')} exited with ${code} before listening:\n${stdout}\n${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Kills (SIGKILL) every process of `children` still running: the afterEach of a file that spawns servers. */
export function killAll(children: ChildProcess[]): void {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `command args` to its end (killed after `timeoutMs`) with exactly `env`, and resolves with its exit code and output. */
export function runProcess(command: string, args: string[], { env, cwd, timeoutMs }: { env: Record<string, string | undefined>; cwd?: string; timeoutMs: number }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
