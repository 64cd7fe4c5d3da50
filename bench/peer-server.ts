// The peer row: how a competent team would build cards without cardql. A thin POST /cards endpoint on
// node:http (signature, JSON, the same mappers) sends one BATCHED GraphQL request of the cards' stored
// queries to graphql-yoga (batching on, its parse and validation caches, graphql-js execution) in the
// same process, with the demo schema and one set of DataLoaders shared by the batch.
// Started by bench.ts: PORT, BENCH_DATABASE, BENCH_SECRET, BENCH_CARDS_DIR, BENCH_QUERIES.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createYoga } from 'graphql-yoga';
import { peerDataLayer } from './demo-data.ts';

const { PORT, BENCH_DATABASE, BENCH_SECRET, BENCH_CARDS_DIR, BENCH_QUERIES } = process.env;
if (!PORT || !BENCH_DATABASE || !BENCH_SECRET || !BENCH_CARDS_DIR || !BENCH_QUERIES) {
  process.stderr.write('expected PORT, BENCH_DATABASE, BENCH_SECRET, BENCH_CARDS_DIR and BENCH_QUERIES\n');
  process.exit(1);
}

type Mapper = { timeToLiveSeconds: number | null; map(data: unknown, context: unknown): unknown };
const { schema, createContext } = await peerDataLayer(BENCH_DATABASE);
const yoga = createYoga({ schema, batching: { limit: 25 }, graphiql: false, landingPage: false, logging: false, maskedErrors: false });
const queries = JSON.parse(readFileSync(BENCH_QUERIES, 'utf8')) as Record<string, string>;
const mappers = new Map<string, Mapper>();
for (const key of Object.keys(queries)) {
  mappers.set(key, ((await import(pathToFileURL(join(BENCH_CARDS_DIR, `${key}.mjs`)).href)) as { default: Mapper }).default);
}

async function answer(body: Buffer, signature: string | undefined): Promise<{ status: number; body: string }> {
  const expected = createHmac('sha256', BENCH_SECRET!).update(body).digest();
  if (!signature || signature.length !== 64 || !timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { status: 401, body: '{"error":{"code":"INVALID_SIGNATURE"}}' };
  const request = JSON.parse(body.toString('utf8')) as { cardKeys: string[]; customer: { id: string; email: string; externalId: string | null }; thread?: unknown; tenant?: unknown };
  const keys = [...new Set(request.cardKeys)].filter((key) => mappers.has(key));
  const variables = { customerId: request.customer.id, email: request.customer.email, externalId: request.customer.externalId ?? null };
  const batch = JSON.stringify(keys.map((key) => ({ query: queries[key], variables })));
  const response = await yoga.fetch('http://peer/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: batch }, createContext());
  const results = (await response.json()) as Array<{ data?: unknown; errors?: unknown }>;
  const context = { customer: request.customer, thread: request.thread, tenant: request.tenant };
  const cards = keys.map((key, index) => {
    const mapper = mappers.get(key)!;
    const output = mapper.map(results[index]!.data ?? null, context) as unknown;
    const { components, timeToLiveSeconds } =
      output === null || Array.isArray(output) ? { components: output, timeToLiveSeconds: mapper.timeToLiveSeconds } : ({ timeToLiveSeconds: mapper.timeToLiveSeconds, ...(output as object) } as { components: unknown; timeToLiveSeconds: number | null });
    return { key, timeToLiveSeconds: timeToLiveSeconds ?? null, components };
  });
  return { status: 200, body: JSON.stringify({ cards }) };
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const signature = request.headers['plain-request-signature'];
    answer(Buffer.concat(chunks), typeof signature === 'string' ? signature : undefined)
      .catch((error: unknown) => ({ status: 500, body: JSON.stringify({ error: { code: 'INTERNAL', message: String(error) } }) }))
      .then((reply) => {
        response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(reply.body) });
        response.end(reply.body);
      });
  });
});
server.listen(Number(PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
