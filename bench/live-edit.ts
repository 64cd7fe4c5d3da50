// Edit-to-visible under `cardql dev` on the demo: a stored query and a mapper edited while chromium shows the preview.
// Usage: npx tsx bench/live-edit.ts [rounds]   (edits queries/account-overview.graphql and
// src/cards/customer-details.ts in place, and puts them back; needs chromium at /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const rounds = Number(process.argv[2] ?? 5);
const edits = [
  { name: 'query (hint)', file: 'queries/account-overview.graphql', from: '@label(text: "Name")', to: (n: number) => `@label(text: "Name ${n}")`, shows: (n: number) => `Name ${n}` },
  { name: 'mapper', file: 'src/cards/customer-details.ts', from: "label('Company')", to: (n: number) => `label('Company ${n}')`, shows: (n: number) => `Company ${n}` },
];
const originals = new Map(edits.map((edit) => [edit.file, readFileSync(edit.file, 'utf8')]));
const restore = () => {
  for (const [file, text] of originals) writeFileSync(file, text);
};
process.once('SIGINT', () => (restore(), process.exit(130)));
for (const edit of edits) if (!originals.get(edit.file)!.includes(edit.from)) throw new Error(`${edit.file} no longer contains ${edit.from}: update bench/live-edit.ts`);

const port = await freePort();
const data = mkdtempSync(join(tmpdir(), 'cardql-live-bench-'));
let output = '';
const dev = spawn(process.execPath, ['bin/cardql.js', 'dev'], {
  env: { ...process.env, NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'info', CARDQL_DATABASE: join(data, 'demo.sqlite') },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
dev.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
dev.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
const browser = await chromium.launch({ executablePath: process.env.CARDQL_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  while (!output.includes('"msg":"cardql listening"')) {
    if (dev.exitCode !== null) throw new Error(`cardql dev did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/preview#email=${encodeURIComponent('alex@grocery.co')}&cards=account-overview,customer-details`);
  await page.waitForSelector('.preview-card');
  const figures = new Map<string, number[]>(edits.map((edit) => [edit.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const edit of edits) {
      await new Promise((done) => setTimeout(done, 1500)); // past the type-check that follows each reload
      const edited = performance.now();
      writeFileSync(edit.file, originals.get(edit.file)!.replace(edit.from, edit.to(round)));
      await page.waitForFunction((text) => [...document.querySelectorAll('.preview-card')].some((card) => card.textContent?.includes(text)), edit.shows(round), { polling: 10, timeout: 60_000 });
      figures.get(edit.name)!.push(Math.round(performance.now() - edited));
    }
  }
  const restarts = (output.match(/"msg":"cardql listening"/g) ?? []).length - 1;
  for (const [name, ms] of figures) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(`${name} edited → shown in the open preview: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms (${ms.join(', ')})`);
  }
  const reloads = [...output.matchAll(/"ms":(\d+),"msg":"cards reloaded after an edit"/g)].map((match) => Number(match[1]));
  const checks = [...output.matchAll(/"ms":(\d+),"msg":"mappers type-checked/g)].map((match) => Number(match[1]));
  console.log(`in the service: reloads ${reloads.join(', ')} ms; type-checks after them ${checks.join(', ')} ms`);
  console.log(`restarts of the service: ${restarts}`);
} finally {
  restore();
  await browser.close();
  if (dev.pid) process.kill(-dev.pid, 'SIGTERM');
  rmSync(data, { recursive: true, force: true });
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
