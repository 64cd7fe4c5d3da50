// Servers under test run as their own processes, so the load generator never shares their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export type Child = {
  name: string;
  pid: number;
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
};

/** A port nobody listens on right now: bound on 127.0.0.1 by the OS, then released for the child. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error(`expected a TCP address, received ${String(address)}`);
  return address.port;
}

/**
 * Starts `node [nodeArgs] <script>`, JavaScript as it is (the compiled cardql, as `npm start` runs it)
 * and TypeScript through tsx's loader (`node --import tsx <script>`: one process, so its pid is the
 * server's own; `tsx` itself would fork a child), and waits until `ready(url)` resolves true, at most
 * `timeoutMs`.
 */
export async function startChild({
  name,
  script,
  env,
  port,
  nodeArgs = [],
  stdout,
  ready,
  pin,
  timeoutMs = 30_000,
}: {
  name: string;
  script: string;
  env: Record<string, string>;
  port: number;
  nodeArgs?: string[];
  /** A file for the child's stdout (its logs, and what flags such as --trace-gc print); default none. */
  stdout?: string;
  ready: (url: string) => Promise<boolean>;
  /** A CPU to pin the process to (`taskset -c <cpu>`, which execs node: the pid stays the server's). */
  pin?: number;
  timeoutMs?: number;
}): Promise<Child> {
  // stdout (one log line per request) goes to /dev/null or a file: draining it here would cost the load generator CPU.
  const output = stdout === undefined ? 'ignore' : openSync(stdout, 'w');
  const args = [...nodeArgs, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script];
  const child = spawn(pin === undefined ? process.execPath : 'taskset', pin === undefined ? args : ['-c', String(pin), process.execPath, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', output, 'pipe'],
  });
  if (typeof output === 'number') closeSync(output);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 20_000) stderr += chunk;
  });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready:\n${stderr}`);
    if (await ready(url).catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${stderr}`);
    }
    await sleep(100);
  }
  return {
    name,
    pid: child.pid!,
    url,
    process: child,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type Memory = { rssBytes: number; peakRssBytes: number };

/** Current and peak (high-water mark) resident set size of a process, from /proc/<pid>/status. */
export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`expected ${field} in /proc/${pid}/status, received none`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the last ')'; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Samples a process's RSS every `intervalMs` while a row runs; the max is the row's peak. */
export function sampleRss(pid: number, intervalMs = 250): { stop(): { maxRssBytes: number; samples: number[] } } {
  const samples: number[] = [readMemory(pid).rssBytes];
  const timer = setInterval(() => samples.push(readMemory(pid).rssBytes), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(readMemory(pid).rssBytes);
      return { maxRssBytes: Math.max(...samples), samples };
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
