// The two doors POST /cards is served through: app.fetch (web Request, readBody) and the real
// node:http server (node-cards.ts, readNodeBody). Suites about /cards run through both.
import type { App } from '../../src/app.ts';
import { startServer } from '../../src/server.ts';
import { createDemoData } from '../../src/demo/index.ts';
import { createTestApp, seededDatabase } from './app.ts';

export type Opened = {
  app: App;
  /** Sends a web Request through this door; the answer as a web Response. */
  send(request: Request): Promise<Response>;
  logs(): Array<Record<string, unknown>>;
  rawLogs(): string;
  close(): Promise<void>;
};

export type Door = { name: string; open(env?: Record<string, string>): Promise<Opened> };

const appFetch: Door = {
  name: 'app.fetch',
  async open(env = {}) {
    const app = await createTestApp(env);
    return { app, send: (request) => app.fetch(request), logs: app.logs, rawLogs: app.rawLogs, close: () => app.close() };
  },
};

const nodeHttp: Door = {
  name: 'node:http (startServer on loopback)',
  async open(env = {}) {
    const lines: string[] = [];
    const db = seededDatabase();
    const running = await startServer(
      { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...env },
      { local: createDemoData(db), logDestination: { write: (line: string) => void lines.push(line) } },
    );
    return {
      app: running.app,
      async send(request) {
        const url = new URL(request.url);
        const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
        return fetch(`${running.url}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body, redirect: 'manual' });
      },
      logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
      rawLogs: () => lines.join(''),
      async close() {
        await running.close();
        db.close();
      },
    };
  },
};

export const DOORS: Door[] = [appFetch, nodeHttp];
