// `npm start` runs compiled JavaScript (dist/, built by its prestart) with plain node, no tsx: how the
// compiled server finds each mapper's module, and the real `npm start` answering a signed POST /cards over
// loopback exactly as the TypeScript sources answer it in-process, then stopping on SIGTERM.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { buildLayout, mapperModule, type Build } from '../src/registry/registry.ts';
import { ANCHOR, cardsBody, createTestApp, DEMO_KEYS, plainRequest } from './support/app.ts';
import { killAll, spawnServer } from './support/process.ts';

describe('mapperModule: the module a mapper is imported from', () => {
  const build: Build = { root: '/srv/cardql', ...buildLayout() };

  it('is the source itself under tsx (npm run dev, the cardql command, tests)', () => {
    expect(mapperModule('/srv/cardql/src/cards/usage.ts', undefined)).toEqual({ module: '/srv/cardql/src/cards/usage.ts' });
    expect(mapperModule('/tmp/cards/usage.ts', undefined)).toEqual({ module: '/tmp/cards/usage.ts' });
  });

  it('is the compiled output of a TypeScript mapper under src/ or examples/ when cardql runs compiled', () => {
    expect(mapperModule('/srv/cardql/src/cards/usage.ts', build)).toEqual({ module: '/srv/cardql/dist/src/cards/usage.js' });
    expect(mapperModule('/srv/cardql/src/team/cards/usage.ts', build)).toEqual({ module: '/srv/cardql/dist/src/team/cards/usage.js' });
    expect(mapperModule('/srv/cardql/examples/remote-demo/cards/usage.ts', build)).toEqual({ module: '/srv/cardql/dist/examples/remote-demo/cards/usage.js' });
  });

  it('is a JavaScript mapper itself, wherever it is', () => {
    for (const path of ['/srv/cardql/src/cards/usage.js', '/tmp/cards/usage.mjs', '/srv/cardql/cards/usage.js']) {
      expect(mapperModule(path, build)).toEqual({ module: path });
    }
  });

  it('is a problem naming where a mapper is expected and the file received, for TypeScript the build does not compile', () => {
    for (const path of ['/tmp/cards/usage.ts', '/srv/cardql/cards/usage.ts', '/srv/cardql/src-old/usage.ts', '/srv/usage.ts']) {
      const target = mapperModule(path, build);
      expect(target).toEqual({ problem: expect.stringContaining('expected a mapper under /srv/cardql/src/ or /srv/cardql/examples/ (CARDQL_CARDS_DIR, default src/cards) or written as JavaScript (.mjs)') });
      expect(target).toEqual({ problem: expect.stringContaining(`received ${path}.`) });
    }
  });

  it('follows tsconfig.build.json: what it compiles, from where, to where', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => expect.fail(String(d.messageText)) });
    expect(parsed?.errors).toEqual([]);
    expect(parsed?.options.rootDir).toBe(resolve('.'));
    expect(parsed?.options.outDir).toBe(resolve(buildLayout().outDir));
    expect(parsed?.options.rewriteRelativeImportExtensions).toBe(true);
    expect((parsed?.raw as { include: string[] }).include).toEqual(buildLayout().include);
  });
});

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardql-compiled-'));
  const DATABASE = join(dir, 'cardql.sqlite');
  const SECRET = 'compiled-start-secret';
  const children: ChildProcess[] = [];
  beforeAll(() => openSqliteDatabase({ path: DATABASE, anchor: ANCHOR }).close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => killAll(children));

  // Measured on the 2-core dev machine: the build takes about 5 s from nothing (a fresh clone, CI) and
  // 1.5–2 s when dist/ is current; the server then starts in under a second.
  it('builds, runs the compiled server without tsx, answers a signed POST /cards as the sources do, and exits 0 on SIGTERM', async () => {
    const env = { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', CARDQL_DATABASE: DATABASE, CARDQL_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info' };
    const server = await spawnServer('npm', ['start'], { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, children);

    // The server is npm's only child, started by the start script's command itself (`exec`: no shell
    // between them, so that npm's SIGTERM reaches it), and it runs no tsx (which would be a loader
    // flag, and an esbuild child process).
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prestart).toBe('npm run build');
    expect(scripts.start).toMatch(/^exec node (--[\w-]+(=\S+)? )*dist\/src\/index\.js$/);
    const [pid, ...others] = childrenOf(server.child.pid!);
    expect(others).toEqual([]);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual(scripts.start!.replace(/^exec /, '').split(' '));
    expect(childrenOf(pid!)).toEqual([]);

    const signed = plainRequest(cardsBody(DEMO_KEYS), { secret: SECRET });
    const compiled = await fetch(`${server.url}/cards`, { method: 'POST', headers: signed.headers, body: await signed.text() });
    expect(compiled.status).toBe(200);
    const { cards } = CardsResponse.parse(await compiled.json());
    // Unsigned: refused, so the 200 above went through signature verification.
    expect((await fetch(`${server.url}/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardsBody(DEMO_KEYS)) })).status).toBe(401);

    // The same request through the TypeScript sources, in-process, on the same data.
    const app = await createTestApp({ CARDQL_SIGNING_SECRET: SECRET }, { db: openSqliteDatabase({ path: DATABASE }) });
    try {
      const sources = CardsResponse.parse(await (await app.fetch(plainRequest(cardsBody(DEMO_KEYS), { secret: SECRET }))).json());
      expect(cards.map((card) => card.key).sort()).toEqual([...DEMO_KEYS].sort());
      expect(cards).toEqual(sources.cards);
    } finally {
      await app.close();
    }

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const logged = server.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string });
    expect(logged.map((line) => line.msg)).toEqual(expect.arrayContaining(['cards loaded', 'shutting down', 'shutdown complete']));

    // A stack thrown from the build, under the start script's node flags, names the TypeScript source
    // and line (source maps), as a failed card's logged `err.stack` does.
    const flags = scripts.start!.replace(/^exec node /, '').split(' ').slice(0, -1);
    const thrown = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', "import { formatDate } from './dist/src/mapping/format.js'; try { formatDate('not a date'); } catch (error) { console.log(error.stack); }"], { encoding: 'utf8' });
    expect(thrown.stdout).toMatch(/^RangeError: formatDate expected an ISO 8601 date/);
    expect(thrown.stdout).toMatch(/\(\S*\/src\/mapping\/format\.ts:\d+:\d+\)/);
    expect(thrown.stdout).not.toContain('dist/src/mapping/format.js');
  }, 90_000);
});

/** The pids of a process's children, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}
