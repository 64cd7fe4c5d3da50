// `cardql dev` reloads its cards in process (never restarting) after a mapper edit, and survives a broken query until it is fixed.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreviewResponse } from '../src/preview/preview-request.ts';
import { ALEX } from './support/app.ts';
import { startDev, type DevProcess } from './support/dev-process.ts';

const TIMEOUT_MS = 180_000;
const QUERY = 'query Hello($email: String!) {\n  customer(email: $email) {\n    fullName\n  }\n}\n';
const BROKEN_QUERY = 'query Hello($email: String!) {\n  customer(email: $email) {\n    fullNam\n  }\n}\n';
/** Alex's name in the demo data: what the query reads and the mapper shows. */
const NAME = 'Alex Johnson';
const builders = resolve('src/plain/builders.ts');
const mapper = (text: string, type = '{ customer: { fullName: string } | null }') =>
  `import { plainText } from '${builders}';\nexport default { timeToLiveSeconds: null, map: (data: ${type}) => [plainText('${text}: ' + data.customer?.fullName)] };\n`;

/** The text the hello card shows for Alex now, through the preview's API (what the page shows). */
async function shown(dev: DevProcess): Promise<string> {
  const response = await fetch(`${dev.url}/preview/api/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer: { email: ALEX.email }, cardKeys: ['hello'] }) });
  const [card] = PreviewResponse.parse(await response.json()).cards;
  return JSON.stringify(card?.components ?? card?.error);
}

describe('cardql dev: live reload', () => {
  let dev: DevProcess;

  beforeAll(async () => {
    dev = await startDev((root) => {
      writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
      writeFileSync(join(root, 'queries', 'hello.graphql'), QUERY);
      writeFileSync(join(root, 'cards', 'hello.ts'), mapper('Mapper one'));
    }, TIMEOUT_MS);
  }, TIMEOUT_MS);

  afterAll(() => {
    if (process.env.SHOW_DEV_OUTPUT) process.stdout.write(dev?.output() ?? '');
    dev?.stop();
  });

  it('serves an edited mapper without restarting, and reports its type errors while the card keeps serving', async () => {
    expect(await shown(dev)).toContain(`Mapper one: ${NAME}`);
    writeFileSync(join(dev.root, 'cards', 'hello.ts'), mapper('Mapper two'));
    await expect.poll(() => shown(dev), { timeout: TIMEOUT_MS, interval: 100 }).toContain(`Mapper two: ${NAME}`);

    // A type error does not stop the card in development: it is reported, file:line, after the reload.
    writeFileSync(join(dev.root, 'cards', 'hello.ts'), mapper('Mapper three').replace('export default', "const label: number = 'Typed wrong';\nexport default").replace("'Mapper three: '", 'label + ": "'));
    await expect.poll(() => shown(dev), { timeout: TIMEOUT_MS, interval: 100 }).toContain(`Typed wrong: ${NAME}`);
    await expect.poll(() => dev.output(), { timeout: TIMEOUT_MS, interval: 100 }).toMatch(/cards[/\\]hello\.ts:2: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
    expect(await shown(dev)).toContain(`Typed wrong: ${NAME}`);
    expect(dev.listening()).toBe(1);
  }, TIMEOUT_MS);

  it('keeps the last good cards while a query is broken, reports it as at startup, and recovers at the next edit', async () => {
    writeFileSync(join(dev.root, 'cards', 'hello.ts'), mapper('Mapper four'));
    await expect.poll(() => shown(dev), { timeout: TIMEOUT_MS, interval: 100 }).toContain('Mapper four');

    writeFileSync(join(dev.root, 'queries', 'hello.graphql'), BROKEN_QUERY);
    await expect.poll(() => dev.output(), { timeout: TIMEOUT_MS, interval: 100 }).toContain('cardql cannot reload the cards; the previous ones keep serving.');
    expect(dev.output()).toMatch(/queries[/\\]hello\.graphql:3: Cannot query field "fullNam"/);
    expect(await shown(dev)).toContain(`Mapper four: ${NAME}`);

    writeFileSync(join(dev.root, 'queries', 'hello.graphql'), QUERY);
    writeFileSync(join(dev.root, 'cards', 'hello.ts'), mapper('Mapper five'));
    await expect.poll(() => shown(dev), { timeout: TIMEOUT_MS, interval: 100 }).toContain(`Mapper five: ${NAME}`);
    expect(dev.listening()).toBe(1);
  }, TIMEOUT_MS);
});

describe('cardql dev: a start stopped by a broken card', () => {
  let dev: DevProcess;
  afterAll(() => dev?.stop());

  it('reports the card as cardql serve does, waits, and starts at the next edit', async () => {
    dev = await startDev((root) => writeFileSync(join(root, 'queries', 'hello.graphql'), BROKEN_QUERY), TIMEOUT_MS, 'Waiting for an edit');
    expect(dev.output()).toMatch(/cardql cannot start\.\n1 problem\(s\) in the stored cards:\n {2}.*queries[/\\]hello\.graphql:3: Cannot query field "fullNam"/);
    expect(dev.listening()).toBe(0);
    writeFileSync(join(dev.root, 'queries', 'hello.graphql'), QUERY);
    await expect.poll(() => dev.listening(), { timeout: TIMEOUT_MS, interval: 100 }).toBe(1);
    expect(await shown(dev)).toContain(NAME);
  }, TIMEOUT_MS);
});
