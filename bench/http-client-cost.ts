// CPU per upstream call of the HTTP client paths remote mode could use, against a local server
// answering a fixed 6 KB GraphQL response (its own process): graphql-request over Node's fetch (what
// src/remote/transport.ts did), fetch alone, node:http with a keep-alive agent, undici.request, and cardql's boundedPost. 8 calls in
// flight, rounds interleaved, median [min–max]. Usage: tsx bench/http-client-cost.ts
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { GraphQLClient } from 'graphql-request';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { boundedPost } from '../src/remote/bounded-post.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const PORT = 4650;
const server = spawn(process.execPath, ['-e', `
const body = JSON.stringify({ data: Object.fromEntries(Array.from({ length: 6 }, (_, i) => ['_v' + i + '_customer', { items: Array.from({ length: 12 }, (_, j) => ({ number: 'INV-' + j, status: 'PAID', totalCents: 12345, issuedAt: '2026-01-01T00:00:00.000Z' })) }])) });
require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); s.end(body); }); }).listen(${PORT}, '127.0.0.1');
`], { stdio: 'inherit' });
for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${PORT}/`).then(() => true, () => false)); i++) await sleep(100);
const url = `http://127.0.0.1:${PORT}/graphql`;
const query = 'query Q($_v0_id: ID!) { _v0_customer: customer(id: $_v0_id) { id } }';
const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: 'Bearer x' };
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const dispatcher = new UndiciAgent({ connections: 16 });
const post = boundedPost({ maxResponseBytes: 1 << 20 });
const variants: Record<string, () => Promise<unknown>> = {
  'graphql-request over fetch (before 39aad76)': () => new GraphQLClient(url, { headers, errorPolicy: 'all', excludeOperationName: true }).rawRequest(query, { _v0_id: 'c1' }),
  'fetch + JSON.parse': async () => JSON.parse(await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables: { _v0_id: 'c1' } }), signal: new AbortController().signal })).text()),
  'node:http keep-alive agent + JSON.parse': () =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query, variables: { _v0_id: 'c1' } });
      const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, signal: new AbortController().signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    }),
  'undici.request + JSON.parse': async () => {
    const { body } = await undiciRequest(url, { method: 'POST', dispatcher, headers, body: JSON.stringify({ query, variables: { _v0_id: 'c1' } }), signal: new AbortController().signal });
    return JSON.parse(await body.text());
  },
  "cardql's boundedPost (undici, cap, redirects refused) + JSON.parse": async () =>
    JSON.parse((await post(new URL(url), { headers, body: JSON.stringify({ query, variables: { _v0_id: 'c1' } }), signal: new AbortController().signal })).text),
};
const N = 3000;
const results: Record<string, number[]> = {};
try {
  for (let round = -1; round < 5; round++) {
    for (const [name, call] of Object.entries(variants)) {
      const started = process.cpuUsage();
      for (let i = 0; i < N; i += 8) await Promise.all(Array.from({ length: 8 }, call));
      const { user, system } = process.cpuUsage(started);
      if (round >= 0) (results[name] ??= []).push((user + system) / N);
    }
  }
} finally {
  server.kill();
  agent.destroy();
  await dispatcher.close();
}
for (const [name, v] of Object.entries(results)) {
  v.sort((a, b) => a - b);
  process.stdout.write(`${name.padEnd(66)} ${v[2]!.toFixed(0)} µs per call [${v[0]!.toFixed(0)}–${v[4]!.toFixed(0)}]\n`);
}
