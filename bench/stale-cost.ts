// The in-process last-good store's cost: heap held per stored card (objects as answered vs their JSON
// text), and CPU per 6-card request of storing its cards and making the response's JSON, then and now,
// on the demo cards of 500 customers.
// Usage: node --expose-gc --import tsx bench/stale-cost.ts
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { parseCardsRequest } from '../src/http/parse-cards-request.ts';
import { createLastGood } from '../src/stale/last-good.ts';
import { LRUCache } from 'lru-cache';
import { createMemoryStore, type StaleStore, type StoredCard } from '../src/stale/stale-store.ts';
import { cardsResponseJson } from '../src/plain/card-json.ts';
import type { Card } from '../src/plain/cards-response.ts';
import type { CardResult } from '../src/resolve/card-result.ts';
import { cardRequests, pickCustomers } from './fixtures.ts';
import { DEMO_KEYS, MAX_KEYS, writeCardFolder } from './fixture-cards.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/stale-cost.ts');
const secret = randomBytes(16).toString('hex');
const databasePath = 'data/cardql.sqlite';
const folder = writeCardFolder(MAX_KEYS);
const logger = createLogger('info', { write: () => {} });
const { config } = loadConfig({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: secret, CARDQL_DATABASE: databasePath, CARDQL_QUERIES_DIR: folder.queriesDir, CARDQL_CARDS_DIR: folder.cardsDir, CARDQL_STALE_MAX_AGE_SECONDS: '0' });
const app = await createApp(config, { logger });
const customers = pickCustomers(databasePath, 500);
const answered: Array<{ request: ReturnType<typeof parseCardsRequest>; results: CardResult[] }> = [];
for (const keys of [DEMO_KEYS, folder.keys]) {
  for (const { body } of cardRequests(customers, keys, secret)) {
    const request = parseCardsRequest(Buffer.from(body));
    answered.push({ request, results: (await app.resolve(request)).results });
  }
}
const entries = answered.reduce((n, a) => n + a.results.length, 0);
const json = answered.reduce((n, a) => n + a.results.reduce((m, r) => m + JSON.stringify(r.card.components).length, 0), 0);
process.stdout.write(`${answered.length} requests, ${entries} cards, ${(json / 1048576).toFixed(1)} MB of components as JSON\n`);

const heldBy = (copy: (components: unknown) => unknown) => {
  gc();
  const before = process.memoryUsage().heapUsed;
  // A deep copy of what each card's store entry holds, so that the answered objects above are not what is measured.
  const held = answered.flatMap((a) => a.results.map((r) => copy(r.card.components)));
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  return { bytes, held };
};
const objects = heldBy((c) => structuredClone(c));
process.stdout.write(`heap held as objects: ${(objects.bytes / 1048576).toFixed(1)} MB (${(objects.bytes / json).toFixed(2)}× the JSON)\n`);
objects.held.length = 0;
const strings = heldBy((c) => JSON.stringify(c));
process.stdout.write(`heap held as JSON text: ${(strings.bytes / 1048576).toFixed(1)} MB (${(strings.bytes / json).toFixed(2)}× the JSON)\n`);
strings.held.length = 0;

// CPU per 6-card request (all ok) of what the store and the answer cost together: storing each card
// (settle) and making the response's JSON. Fresh copies of the answered cards every request, made
// outside the timing, so that nothing made for one request is reused by the next.
const six = answered.slice(0, customers.length);
const then = {
  // Before: the answered objects kept, sized by a walk, the response serialised apart.
  store: (): StaleStore => {
    const cache = new LRUCache<string, StoredCard>({ maxSize: 32 << 20, sizeCalculation: (entry, key) => key.length + walkSize(entry.components) + 16, ttl: 86_400_000, updateAgeOnGet: false });
    return { kind: 'memory', read: async (keys) => keys.map((key) => cache.get(key)), write: (entries) => void entries.forEach(([key, entry]) => cache.set(key, entry)), problem: () => undefined, close: async () => cache.clear() };
  },
  reply: (cards: Card[]) => JSON.stringify({ cards }),
};
const now = { store: () => createMemoryStore({ maxBytes: 32 << 20, maxAgeMs: 86_400_000 }), reply: (cards: Card[]) => cardsResponseJson({ cards }) };
const variants = { 'then: objects kept, sized by a walk; JSON.stringify of the response': then, 'now: JSON text kept, shared with the response': now };
const N = 2_000;
const cpu: Record<string, number[]> = {};
for (let round = -1; round < 5; round++) {
  for (const [name, { store, reply }] of Object.entries(variants)) {
    const lastGood = createLastGood({ store: store(), registry: app.registry, maxAgeMs: 86_400_000 });
    const fresh = Array.from({ length: N }, (_, i) => structuredClone(six[i % six.length]!));
    const started = process.cpuUsage();
    for (const { request, results } of fresh) reply((await lastGood.settle(results, request, 'w_bench')).map((r) => r.card));
    const { user, system } = process.cpuUsage(started);
    if (round >= 0) (cpu[name] ??= []).push((user + system) / N);
  }
}
for (const [name, v] of Object.entries(cpu)) {
  v.sort((a, b) => a - b);
  process.stdout.write(`${name.padEnd(70)} ${v[2]!.toFixed(1)} µs per 6-card request [${v[0]!.toFixed(1)}–${v[4]!.toFixed(1)}]\n`);
}
await app.close();

/** The size estimate the store used before: about the JSON length, by a walk. */
function walkSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 8;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) total += walkSize(item) + 1;
    return total;
  }
  for (const key in value) total += key.length + 4 + walkSize((value as Record<string, unknown>)[key]);
  return total;
}
