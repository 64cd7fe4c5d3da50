// The limit: a bare node:http server that reads each request body and answers the response cardql
// gave for that exact body, precomputed. No parsing, no signature, no GraphQL: only HTTP and bytes.
// Started by bench.ts as its own process: PORT, and BENCH_RESPONSES (a JSON file of {body, response}).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const file = process.env.BENCH_RESPONSES;
if (!Number.isInteger(port) || !file) {
  process.stderr.write(`expected PORT and BENCH_RESPONSES, received ${JSON.stringify({ PORT: process.env.PORT, BENCH_RESPONSES: file })}\n`);
  process.exit(1);
}

const entries = JSON.parse(readFileSync(file, 'utf8')) as Array<{ body: string; response: string }>;
const responses = new Map(entries.map(({ body, response }) => [body, Buffer.from(response)]));
const fallback = Buffer.from(entries[0]?.response ?? '{}');

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const bytes = responses.get(Buffer.concat(chunks).toString('utf8')) ?? fallback;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.byteLength });
    response.end(bytes);
  });
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
