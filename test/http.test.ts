// The service over real HTTP on loopback (startServer, port 0): what Plain sends, answered as Plain expects.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../src/http/verify.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { cardsBody, createTestApp, DEMO_KEYS, type TestApp } from './support/app.ts';

const SECRET = 'loopback-secret';
let app: TestApp;
let server: Server;
let base: string;

beforeAll(async () => {
  app = await createTestApp({ CARDQL_SIGNING_SECRET: SECRET });
  server = createServer(createServerAdapter((request: Request) => app.fetch(request)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await app.close();
});

describe('over real HTTP on loopback', () => {
  it('answers a signed, pretty-printed Plain request with every demo card', async () => {
    const body = JSON.stringify(cardsBody(DEMO_KEYS), null, 2);
    const response = await fetch(`${base}/cards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'plain-workspace-id': 'w_01LOOP', 'plain-request-signature': sign(body, SECRET) },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(CardsResponse.parse(await response.json()).cards.map((c) => c.key)).toEqual(DEMO_KEYS);
  });

  it('answers a body over 1 MB with 413 without reading all of it, and stays up', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const response = await fetch(`${base}/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(response.status).toBe(413);
    const after = await fetch(`${base}/cards`, { method: 'GET' });
    expect(after.status).toBe(405);
  });
});
