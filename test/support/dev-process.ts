// `cardql dev` as a child process on a free port, its output collected: for the live-editing tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqliteDatabase } from '../../src/demo/sqlite.ts';
import { ANCHOR } from './app.ts';

export type DevProcess = {
  root: string;
  url: string;
  /** Everything it wrote so far, standard output and error together. */
  output(): string;
  /** How many times the service started listening (1 as long as it never restarted). */
  listening(): number;
  stop(): void;
};

/** A port free a moment ago: `cardql dev` must come back on the same port after a restart. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * Starts `cardql dev` on the demo data, with the queries and cards folders of a fresh temporary
 * folder (`prepare` writes the cards into it first), and waits until it listens (or, with `until`,
 * until its output says so).
 */
export async function startDev(prepare: (root: string) => void, timeoutMs: number, until?: string): Promise<DevProcess> {
  const root = mkdtempSync(join(tmpdir(), 'cardql-live-'));
  mkdirSync(join(root, 'queries'));
  mkdirSync(join(root, 'cards'));
  prepare(root);
  const databasePath = join(root, 'demo.sqlite');
  openSqliteDatabase({ path: databasePath, anchor: ANCHOR }).close();
  const port = await freePort();
  const dev: ChildProcess = spawn(process.execPath, [resolve('bin/cardql.js'), 'dev'], {
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'info', CARDQL_DATABASE: databasePath, CARDQL_QUERIES_DIR: join(root, 'queries'), CARDQL_CARDS_DIR: join(root, 'cards') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: tsx watch and the service it runs are stopped together
  });
  let output = '';
  dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const listening = () => (output.match(/"msg":"cardql listening"/g) ?? []).length;
  const ready = () => (until ? output.includes(until) : listening() >= 1);
  for (const started = Date.now(); !ready(); await new Promise((done) => setTimeout(done, 200))) {
    if (dev.exitCode !== null || Date.now() - started > timeoutMs) throw new Error(`cardql dev did not start:\n${output}`);
  }
  return {
    root,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    listening,
    stop() {
      if (dev.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
