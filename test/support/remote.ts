// Real upstreams on loopback for remote-source tests: the demo upstream, or a scripted node:http server; both count what they see.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createYoga } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import { createDemoUpstream, startDemoUpstream } from '../../src/demo-upstream/upstream.ts';
import { createLoaders } from '../../src/demo/loaders.ts';
import type { SqliteDatabase } from '../../src/demo/sqlite.ts';
import { seededDatabase } from './app.ts';

/** What an upstream saw: one entry per HTTP request, and every TCP connection opened to it. */
export type Seen = {
  requests: Array<{ headers: IncomingMessage['headers']; body: { query?: string; variables?: Record<string, unknown>; operationName?: string } }>;
  connections: number;
};

export type TestUpstream = { url: string; seen: Seen; close(): Promise<void> };

/** Counts requests (with their parsed bodies) and connections at a node:http server, before its handler runs. */
function watch(server: Server): Seen {
  const seen: Seen = { requests: [], connections: 0 };
  server.on('connection', () => void (seen.connections += 1));
  server.prependListener('request', (request: IncomingMessage) => {
    const entry: Seen['requests'][number] = { headers: request.headers, body: {} };
    seen.requests.push(entry);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        entry.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        entry.body = {};
      }
    });
  });
  return seen;
}

/** The real demo upstream (graphql-yoga over its own seeded SQLite) on a free loopback port. */
export async function startTestUpstream({ db = seededDatabase(), token }: { db?: SqliteDatabase; token?: string } = {}): Promise<TestUpstream & { db: SqliteDatabase }> {
  const running = await startDemoUpstream({ db, port: 0, token });
  const seen = watch(running.server);
  return { url: running.url, seen, db, close: async () => (await running.close(), db.close()) };
}

/** graphql-yoga over any executable schema whose resolvers read the demo loaders, e.g. one with a failing resolver. */
export async function startYogaUpstream(schema: GraphQLSchema, db: SqliteDatabase = seededDatabase()): Promise<TestUpstream> {
  const yoga = createYoga({ schema, context: () => ({ loaders: createLoaders(db) }), graphiql: false, logging: false, maskedErrors: false });
  return listen(createServer(yoga), async () => db.close());
}

/** `index` counts card traffic only; `pass()` answers as the real demo upstream would. */
export type Script = (response: ServerResponse, index: number, pass: () => Promise<void>) => void | Promise<void>;

/**
 * A node:http upstream answering the n-th operation as `script` says: 500s, 429s, bad JSON, silence.
 * cardql's introspection at startup (the drift check) is answered 404 and not counted.
 */
export async function startScriptedUpstream(script: Script, db?: SqliteDatabase): Promise<TestUpstream> {
  const yoga = db ? createDemoUpstream({ db }) : undefined;
  let index = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.includes('__schema')) return void response.writeHead(404).end();
      const pass = async () => {
        if (!yoga) throw new Error('startScriptedUpstream: pass() needs a db');
        const answer = await yoga.fetch('http://upstream.test/graphql', { method: 'POST', headers: request.headers as Record<string, string>, body });
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
      };
      void script(response, index++, pass);
    });
  });
  return listen(server);
}

/**
 * The demo upstream behind a gate: every request is held (`onRequest` told of each) until
 * `release()`, then answered as the demo upstream would; `answered()` counts answers sent. For tests
 * on the order of events, e.g. that cardql listens while its introspection is still unanswered.
 */
export async function startHoldingUpstream(onRequest: () => void, db: SqliteDatabase): Promise<TestUpstream & { release(): void; answered(): number }> {
  const yoga = createDemoUpstream({ db });
  let released = false;
  let answered = 0;
  const held: Array<() => void> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = async () => {
        const result = await yoga.fetch('http://upstream.test/graphql', { method: 'POST', headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(result.status, { 'content-type': result.headers.get('content-type') ?? 'application/json' }).end(await result.text());
        answered += 1;
      };
      onRequest();
      if (released) void answer();
      else held.push(() => void answer());
    });
  });
  const upstream = await listen(server);
  return {
    ...upstream,
    release() {
      released = true;
      for (const go of held.splice(0)) go();
    },
    answered: () => answered,
  };
}

/** The requests an upstream saw, without cardql's introspection at startup. */
export function cardTraffic(seen: Seen): Seen['requests'] {
  return seen.requests.filter((request) => !request.body.query?.includes('__schema'));
}

async function listen(server: Server, after: () => Promise<void> = async () => {}): Promise<TestUpstream> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const seen = watch(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    seen,
    async close() {
      const closed = new Promise((done) => server.close(done));
      server.closeAllConnections();
      await closed;
      await after();
    },
  };
}

/** A loopback URL where nothing listens: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}/graphql`;
}

/**
 * A queries folder and a cards folder in a temp dir: the demo cards in `remote` run on the source
 * `demo` (queries/demo/<key>.graphql), those in `local` in-process; mappers are the demo's own.
 */
export function cardsLayout({ remote = [], local = [], source = 'demo' }: { remote?: string[]; local?: string[]; source?: string }): { queriesDir: string; cardsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'cardql-remote-'));
  const queriesDir = join(root, 'queries');
  const cardsDir = join(root, 'cards');
  mkdirSync(join(queriesDir, source), { recursive: true });
  mkdirSync(cardsDir);
  for (const key of [...remote, ...local]) {
    const folder = remote.includes(key) ? join(queriesDir, source) : queriesDir;
    symlinkSync(resolve(`queries/${key}.graphql`), join(folder, `${key}.graphql`));
    writeFileSync(join(cardsDir, `${key}.ts`), `export { default } from '${resolve(`src/cards/${key}.ts`)}';\n`);
  }
  return { queriesDir, cardsDir };
}

/** Writes a sources declaration to a temp file and returns its path. */
export function sourcesFile(declaration: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cardql-sources-')), 'sources.json');
  writeFileSync(path, JSON.stringify(declaration, null, 2));
  return path;
}

/** The pinned demo schema, as `npm run schema:pull` wrote it. */
export const DEMO_SCHEMA = resolve('schemas/demo.graphql');
