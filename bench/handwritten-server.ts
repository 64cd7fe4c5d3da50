// The handwritten row, the limit for this work: POST /cards on node:http + better-sqlite3 with the same
// SQL and the same mappers as cardql, and no GraphQL. It checks the signature and the request's shape,
// runs each card's data code (bench/handwritten-data.ts) and mapper, and answers the same JSON.
// Started by bench.ts: PORT, BENCH_DATABASE, BENCH_SECRET, BENCH_CARDS_DIR, BENCH_QUERIES (a JSON file
// of {key: query text}).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { dataFunctionFor, prepareStatements, RequestData, type DataFunction } from './handwritten-data.ts';

const { PORT, BENCH_DATABASE, BENCH_SECRET, BENCH_CARDS_DIR, BENCH_QUERIES } = process.env;
if (!PORT || !BENCH_DATABASE || !BENCH_SECRET || !BENCH_CARDS_DIR || !BENCH_QUERIES) {
  process.stderr.write('expected PORT, BENCH_DATABASE, BENCH_SECRET, BENCH_CARDS_DIR and BENCH_QUERIES\n');
  process.exit(1);
}

type Mapper = { timeToLiveSeconds: number | null; map(data: unknown, context: unknown): unknown };
type Card = { data: DataFunction; mapper: Mapper };

const sqlite = new BetterSqlite3(BENCH_DATABASE, { readonly: true, fileMustExist: true });
const statements = prepareStatements(sqlite);
const queries = JSON.parse(readFileSync(BENCH_QUERIES, 'utf8')) as Record<string, string>;
const cards = new Map<string, Card>();
for (const [key, text] of Object.entries(queries)) {
  const mapper = ((await import(pathToFileURL(join(BENCH_CARDS_DIR, `${key}.mjs`)).href)) as { default: Mapper }).default;
  cards.set(key, { data: dataFunctionFor(text), mapper });
}
const secret = BENCH_SECRET;

function answer(body: Buffer, signature: string | undefined): { status: number; body: string } {
  const expected = createHmac('sha256', secret).update(body).digest();
  if (!signature || signature.length !== 64 || !timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { status: 401, body: '{"error":{"code":"INVALID_SIGNATURE"}}' };
  let request: { cardKeys?: unknown; customer?: { id?: unknown; email?: unknown; externalId?: unknown }; thread?: unknown; tenant?: unknown };
  try {
    request = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: 400, body: '{"error":{"code":"BAD_REQUEST"}}' };
  }
  const { cardKeys, customer } = request;
  if (!Array.isArray(cardKeys) || !customer || typeof customer.id !== 'string' || typeof customer.email !== 'string') return { status: 400, body: '{"error":{"code":"BAD_REQUEST"}}' };
  const data = new RequestData(statements, { id: customer.id, email: customer.email, externalId: typeof customer.externalId === 'string' ? customer.externalId : null });
  const context = { customer, thread: request.thread, tenant: request.tenant };
  const out = [];
  for (const key of new Set(cardKeys as string[])) {
    const card = cards.get(key);
    if (!card) continue;
    out.push(toCard(key, card.mapper.map(card.data(data), context), card.mapper.timeToLiveSeconds));
  }
  return { status: 200, body: JSON.stringify({ cards: out }) };
}

/** src/resolve/run-card.ts's toCard, as a handwritten server would inline it. */
function toCard(key: string, output: unknown, defaultTtl: number | null) {
  const { components, timeToLiveSeconds } =
    output === null || Array.isArray(output) ? { components: output, timeToLiveSeconds: defaultTtl } : { timeToLiveSeconds: defaultTtl, ...(output as object) } as { components: unknown; timeToLiveSeconds: number | null };
  const ttl = timeToLiveSeconds === null || !Number.isFinite(timeToLiveSeconds) ? null : Math.min(31_536_000, Math.max(15, Math.round(timeToLiveSeconds)));
  return { key, timeToLiveSeconds: ttl, components };
}

const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const signature = request.headers['plain-request-signature'];
    const reply = answer(Buffer.concat(chunks), typeof signature === 'string' ? signature : undefined);
    response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(reply.body) });
    response.end(reply.body);
  });
});
server.listen(Number(PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
