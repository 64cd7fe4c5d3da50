// Mistakes a new user makes when starting cardql each get one line saying what and where, never a stack.
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { parseSourcesDeclaration } from '../src/remote/declaration.ts';
import { startServer } from '../src/server.ts';
import { createDemoData } from '../src/demo/index.ts';
import { seededDatabase } from './support/app.ts';

describe('a setting that is not a number', () => {
  it.each([
    ['PORT', 'abc', 'PORT: expected an integer from 0 to 65535, received "abc"'],
    ['PORT', '80.5', 'PORT: expected an integer from 0 to 65535, received "80.5"'],
    ['CARDQL_DEADLINE_MS', '10s', 'CARDQL_DEADLINE_MS: expected an integer from 50 to 13000, received "10s"'],
  ])('%s=%s says the range expected, in one line', (name, value, expected) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expected]);
    }
  });
});

describe('a sources file that is not JSON', () => {
  it.each([
    ['a trailing comma', '{\n  "billing": { "url": "http://x", }\n}', 'sources.json:2:35: expected JSON'],
    ['a missing quote on line 3', '{\n  "billing": {\n    url: "http://x" }\n}', 'sources.json:3:5: expected JSON'],
    ['an empty file', '', 'sources.json:1:1: expected JSON'],
  ])('with %s is reported at its line:column', (_what, text, expected) => {
    const { problems } = parseSourcesDeclaration(text, 'sources.json', {});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${expected.replaceAll('.', '\\.')}`));
    expect(problems[0]).not.toContain('\n');
  });
});

describe('a port already in use', () => {
  it('stops the start with one configuration line naming the port', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    const db = seededDatabase();
    try {
      const error = await startServer({ NODE_ENV: 'test', PORT: String(port), LOG_LEVEL: 'silent' }, { local: createDemoData(db) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([`PORT: expected a free port, received ${port}: 127.0.0.1:${port} is already in use (another cardql? stop it or set PORT)`]);
    } finally {
      db.close();
      await new Promise((done) => holder.close(done));
    }
  });
});
