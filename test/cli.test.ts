// The `cardql` command line, run as a real process through its bin, on a real seeded database.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS, DEMO_THREADS } from '../src/demo/seed/seed.ts';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { ALEX, ANCHOR, DEMO_KEYS } from './support/app.ts';
import { runProcess, type Run } from './support/process.ts';

const BIN = resolve('bin/cardql.js');
/** Spawned processes build the whole app and type-check the mappers (seconds each, more when the machine is shared): generous, but every process is killed at this bound. */
const PROCESS_TIMEOUT_MS = 300_000;

let root: string;
let baseEnv: Record<string, string | undefined>;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cardql-cli-'));
  const databasePath = join(root, 'demo.sqlite');
  openSqliteDatabase({ path: databasePath, anchor: ANCHOR }).close(); // seeded once, read by every process
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...inherited } = process.env;
  baseEnv = { ...inherited, NODE_ENV: 'test', LOG_LEVEL: 'warn', CARDQL_DATABASE: databasePath, CARDQL_QUERIES_DIR: 'queries', CARDQL_CARDS_DIR: 'src/cards', NO_COLOR: '1' };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cardql(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runProcess(process.execPath, [BIN, ...args], { env: { ...baseEnv, ...env }, timeoutMs: PROCESS_TIMEOUT_MS });
}

/** Writes a cards folder: `{ 'a.graphql': '...', 'a.ts': '...' }`. */
function cardsFolder(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(root, 'cards-'));
  mkdirSync(join(dir, 'queries'));
  mkdirSync(join(dir, 'mappers'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n'); // mappers are ES modules, as in this project
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name.endsWith('.graphql') ? 'queries' : 'mappers', name), text);
  return { CARDQL_QUERIES_DIR: join(dir, 'queries'), CARDQL_CARDS_DIR: join(dir, 'mappers') };
}

// Every process is independent: they run concurrently.
describe.concurrent('cardql, run as a process', () => {
  describe('cardql --help', () => {
    it('lists the commands and exits 0', async () => {
      const { code, stdout } = await cardql(['--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: cardql <command>/);
      for (const command of ['check', 'diff', 'render', 'serve', 'dev', 'add-source']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }, PROCESS_TIMEOUT_MS);

    it.each(['check', 'diff', 'render', 'serve', 'dev', 'add-source'])('explains cardql %s with usage and examples, and exits 0', async (command) => {
      const { code, stdout } = await cardql([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: cardql ${command}`));
      expect(stdout).toMatch(new RegExp(`Examples:\\n  cardql ${command}`));
    }, PROCESS_TIMEOUT_MS);
  });

  describe('bad arguments: exit code 2 and a message saying what was expected and what was received', () => {
    it.each([
      ['no command', [], /^Usage: cardql <command>/],
      ['an unknown command', ['deploy'], /unknown command "deploy": expected one of check, diff, render, serve, dev, add-source/],
      ['render without a customer', ['render', 'usage'], /cardql render: expected a customer: --email <e>, --external-id <x> or --customer-id <id>, received none/],
      ['render without a card key', ['render', '--email', ALEX.email], /expected at least one card key \(or --all\), received none/],
      ['render with keys and --all', ['render', 'usage', '--all', '--email', ALEX.email], /expected card keys or --all, received both/],
      ['an option without its value', ['render', 'usage', '--email'], /option --email expects a value, received none/],
      ['an empty value', ['render', 'usage', '--email', ' '], /option --email expects a value, received an empty one/],
      ['an unknown option', ['render', 'usage', '--emial', ALEX.email], /unknown option --emial: expected one of --email, --external-id, --customer-id/],
      ['a value for a flag', ['render', 'usage', '--json=yes', '--email', ALEX.email], /option --json takes no value, received one/],
      ['a key Plain would not accept', ['render', 'bad key!', '--email', ALEX.email], /expected card keys matching \[a-zA-Z0-9_-\]\+, received "bad key!"/],
      ['a card key that does not exist', ['render', 'usage', 'nope', '--email', ALEX.email], /unknown card key\(s\) nope: expected some of account-overview, customer-details/],
      ['arguments to check', ['check', 'queries'], /check takes no arguments, received "queries"/],
      ['an option serve does not have', ['serve', '--port', '4001'], /unknown option --port/],
    ])('rejects %s', async (_what, args, expected) => {
      const { code, stdout, stderr } = await cardql(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(expected);
      expect(stdout).toBe('');
    }, PROCESS_TIMEOUT_MS);
  });

  describe('cardql check', () => {
    it('passes the demo cards and says what it loaded', async () => {
      const { code, stdout } = await cardql(['check']);
      expect(code).toBe(0);
      expect(stdout).toBe('ok: 9 card(s), 7 with a mapper and 2 laid out automatically, on source(s) local\n');
    }, PROCESS_TIMEOUT_MS);

    it('prints every problem of a broken cards folder as file:line: message and exits 1', async () => {
      const env = cardsFolder({
        'good.graphql': 'query Good($email: String!) {\n  customer(email: $email) { fullName }\n}\n',
        'typo.graphql': 'query Typo($email: String!) {\n  customer(email: $email) {\n    fulName\n  }\n}\n',
        'hints.graphql': 'query Hints($email: String!) @card(ttl: 1) {\n  customer(email: $email) {\n    subscription @badge { status }\n  }\n}\n',
        'orphan.ts': 'export default { timeToLiveSeconds: null, map: () => null };\n',
      });
      const { code, stdout, stderr } = await cardql(['check'], env);
      expect(code).toBe(1);
      expect(stdout.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/queries\/hints\.graphql:1: @card\(ttl:\) must be from 15 to 31536000 seconds, received 1$/),
        expect.stringMatching(/queries\/hints\.graphql:3: @badge needs a scalar or enum field, "subscription" is Subscription$/),
        expect.stringMatching(/queries\/typo\.graphql:3: Cannot query field "fulName" on type "Customer"/),
        expect.stringMatching(/mappers\/orphan\.ts:1: mapper without a stored query/),
      ]);
      expect(stderr).toContain('cardql check: 4 problem(s) in the stored cards');
    }, PROCESS_TIMEOUT_MS);

    it('type-checks the mappers as npm start\'s build does: a misspelled result field is file:line, not "$NaN"', async () => {
      const generated = resolve('src/generated/graphql.ts');
      const env = cardsFolder({
        'latest-invoice.graphql': readFileSync('queries/latest-invoice.graphql', 'utf8'),
        'latest-invoice.ts': [
          `import type { LatestInvoiceQuery } from ${JSON.stringify(generated)};`,
          `export default { timeToLiveSeconds: null, map: (data: LatestInvoiceQuery) => {`,
          `  const inv = data.customer?.invoices[0];`,
          '  return inv ? [{ componentText: { text: `$${inv.totl / 100}` } }] : null;',
          `} };`,
        ].join('\n'),
      });
      for (const command of [['check'], ['render', 'latest-invoice', '--email', ALEX.email]]) {
        const { code, stdout, stderr } = await cardql(command, env);
        expect(code, command[0]).toBe(1);
        expect(command[0] === 'check' ? stdout : stderr).toMatch(/mappers\/latest-invoice\.ts:4: Property 'totl' does not exist on type .*\(TS2339\)$/m);
      }
    }, PROCESS_TIMEOUT_MS);

    it('lists warnings (a hint next to a mapper) without failing, and fails on them with --strict', async () => {
      const env = cardsFolder({
        'k.graphql': 'query K($email: String!) {\n  customer(email: $email) {\n    fullName @label(text: "Name")\n  }\n}\n',
        'k.ts': 'export default { timeToLiveSeconds: null, map: () => null };\n',
      });
      const lenient = await cardql(['check'], env);
      expect(lenient.code).toBe(0);
      expect(lenient.stdout).toMatch(/queries\/k\.graphql:3: warning: @label has no effect: this card has a mapper/);
      expect(lenient.stdout).toMatch(/^ok: 1 card\(s\), 1 with a mapper and 0 laid out automatically, on source\(s\) local, 1 warning\(s\)$/m);
      const strict = await cardql(['check', '--strict'], env);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('cardql check: 1 warning(s), and --strict');
    }, PROCESS_TIMEOUT_MS);

    it('reports a remote source whose pinned schema file is missing as a configuration problem, not a crash', async () => {
      const declaration = join(mkdtempSync(join(root, 'sources-')), 'sources.json');
      writeFileSync(declaration, JSON.stringify({ billing: { url: 'http://127.0.0.1:9/graphql', schema: 'schemas/no-such-file.graphql' } }));
      const { code, stdout, stderr } = await cardql(['check'], { CARDQL_SOURCES: declaration });
      expect(code).toBe(1);
      expect(stdout).toMatch(/no-such-file\.graphql/);
      expect(stderr).not.toMatch(/crashed/);
    }, PROCESS_TIMEOUT_MS);

    it('reports a bad configuration with the variable, what was expected and what was received', async () => {
      const { code, stdout } = await cardql(['check'], { CARDQL_DEADLINE_MS: 'soon' });
      expect(code).toBe(1);
      expect(stdout).toMatch(/^CARDQL_DEADLINE_MS: .*received "soon"$/m);
    }, PROCESS_TIMEOUT_MS);
  });

  describe('cardql render', () => {
    it('prints, with --json, exactly the body Plain would receive, for a customer found by external id alone', async () => {
      const { code, stdout } = await cardql(['render', ...DEMO_KEYS, 'account-overview', '--external-id', ALEX.externalId, '--json']);
      expect(code).toBe(0);
      const body = CardsResponse.parse(JSON.parse(stdout));
      expect(body.cards.map((card) => card.key)).toEqual([...DEMO_KEYS, 'account-overview']);
      for (const card of body.cards) expect(card.components, card.key).not.toBeNull();
      expect(JSON.stringify(body.cards.find((card) => card.key === 'customer-details'))).toContain('Alex Johnson');
      expect(body.cards.at(-1)!.timeToLiveSeconds).toBe(300);
    }, PROCESS_TIMEOUT_MS);

    it('needs an email for a customer the data does not know, since Plain always sends one', async () => {
      const { code, stderr } = await cardql(['render', 'usage', '--external-id', 'nobody-knows-this-id']);
      expect(code).toBe(1);
      expect(stderr).toMatch(/cardql render: Expected a customer email: no customer in the in-process data has external id "nobody-knows-this-id".*\(--email\)/);
    }, PROCESS_TIMEOUT_MS);

    it('draws cards for a terminal: a title line per card, rows, badges as [Label], no colour codes when NO_COLOR is set', async () => {
      const { code, stdout } = await cardql(['render', 'subscription-status', 'account-overview', '--email', ALEX.email]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^── subscription-status ─+ TTL 300 s · [\d.]+ ms$/m);
      expect(stdout).toMatch(/^ {2}Status +\[Active\]$/m);
      expect(stdout).toMatch(/^ {2}│ \(View invoice ↗\) https:\/\/billing\.example\.com\/invoices\/INV-\d+ +│$/m);
      expect(stdout).not.toContain('\x1b[');
    }, PROCESS_TIMEOUT_MS);

    it('renders on a thread with --thread-id: the thread the data knows brings its tenant, and $threadId and $tenantId reach the cards', async () => {
      const { code, stdout, stderr } = await cardql(['render', 'thread-context', 'tenant-account', '--email', ALEX.email, '--thread-id', DEMO_THREADS.alexBilling, '--json']);
      expect([code, stderr]).toEqual([0, '']);
      const [thread, tenant] = CardsResponse.parse(JSON.parse(stdout)).cards.map((card) => JSON.stringify(card));
      expect(thread).toMatch(/"Why was I charged for overage\?".*"Invoice INV-\d+".*"Past due"/);
      expect(tenant).toMatch(/"Workspace".*"Grocery Co".*"Dedicated".*"Jordan Lee"/);
    }, PROCESS_TIMEOUT_MS);

    it("renders outside a thread without --thread-id, and lists the customer's threads to render on", async () => {
      const { code, stdout, stderr } = await cardql(['render', 'thread-context', 'tenant-account', '--email', ALEX.email]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^── thread-context ─+ TTL 15 s .*\n {2}Open a thread to see what it is about/m);
      expect(stdout).toMatch(/^── tenant-account ─+ TTL 300 s .*\n {2}\(no data: Plain does not display this card\)$/m);
      expect(stderr).toContain(`  --thread-id ${DEMO_THREADS.alexShipping}  Where is my order? (tenant ${DEMO_TENANTS.grocery})\n`);
    }, PROCESS_TIMEOUT_MS);

    it('paints badges in their colour when colour is forced', async () => {
      const { code, stdout } = await cardql(['render', 'subscription-status', '--email', ALEX.email], { NO_COLOR: undefined, FORCE_COLOR: '1' });
      expect(code).toBe(0);
      expect(stdout).toContain('\x1b[32m[Active]\x1b[39m');
    }, PROCESS_TIMEOUT_MS);

  });

  describe('cardql serve', () => {
    it('runs what npm start runs: listens, answers Plain, and stops on SIGTERM', async () => {
      const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...baseEnv, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROCESS_TIMEOUT_MS });
      const exited = new Promise<number | null>((done) => child.on('close', done));
      try {
        const url = await new Promise<string>((done, fail) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const listening = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"cardql listening"/.exec(out);
            if (listening) done(listening[1]!);
          });
          void exited.then((code) => fail(new Error(`cardql serve exited with ${code} before listening:\n${out}`)));
        });
        const response = await fetch(`${url}/cards`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ cardKeys: ['account-overview'], customer: ALEX }),
        });
        expect(response.status).toBe(200);
        expect(CardsResponse.parse(await response.json()).cards[0]!.components).not.toBeNull();
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    }, PROCESS_TIMEOUT_MS);
  });
});
