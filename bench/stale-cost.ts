// The in-process last-good store's cost: heap held per stored card (objects as answered vs their JSON
// text), and CPU per 6-card request's `settle` (all successes), on the demo cards of 500 customers.
// Usage: node --expose-gc --import tsx bench/stale-cost.ts
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { parseCardsRequest } from '../src/http/parse-cards-request.ts';
import { createLastGood } from '../src/stale/last-good.ts';
import { createMemoryStore } from '../src/stale/stale-store.ts';
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

const six = answered.slice(0, customers.length);
const rounds: number[] = [];
const lastGood = createLastGood({ store: createMemoryStore({ maxBytes: 32 << 20, maxAgeMs: 86_400_000 }), registry: app.registry, maxAgeMs: 86_400_000 });
for (let round = -1; round < 5; round++) {
  const started = process.cpuUsage();
  for (let i = 0; i < 20_000; i++) {
    const { request, results } = six[i % six.length]!;
    await lastGood.settle(results, request, 'w_bench');
  }
  const { user, system } = process.cpuUsage(started);
  if (round >= 0) rounds.push((user + system) / 20_000);
}
rounds.sort((a, b) => a - b);
process.stdout.write(`settle of a 6-card request (all ok): ${rounds[2]!.toFixed(1)} µs [${rounds[0]!.toFixed(1)}–${rounds[4]!.toFixed(1)}]\n`);
await app.close();
