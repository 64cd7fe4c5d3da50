// Type-checking mappers: the project's own, and mappers kept in a folder outside any project.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMapperTypes, type TypeCheckMemory } from '../src/registry/mapper-types.ts';

const outside = mkdtempSync(join(tmpdir(), 'cardql-mappers-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('checkMapperTypes', () => {
  it("finds no problem in the project's own mappers", async () => {
    expect(await checkMapperTypes('src/cards')).toEqual({ problems: [] });
  });

  it('checks a mapper outside any project (no tsconfig.json, no package.json) as the ES module cardql imports', async () => {
    writeFileSync(join(outside, 'fine.ts'), "import { join } from 'node:path';\nexport default { map: () => [join('a', 'b')] };\n");
    writeFileSync(join(outside, 'typo.ts'), "const invoice: { total: number } = { total: 1 };\nexport default { map: () => [invoice.totl] };\n");
    const { problems } = await checkMapperTypes(outside, outside);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^typo\.ts:2: Property 'totl' does not exist .*\(TS2551\)$/);
  });

  it('sees an edited mapper when it reuses what the previous check parsed (cardql dev, after each reload)', async () => {
    const folder = join(outside, 'again');
    mkdirSync(folder);
    writeFileSync(join(folder, 'card.ts'), "const invoice: { total: number } = { total: 1 };\nexport default { map: () => [invoice.total] };\n");
    const memory: TypeCheckMemory = {};
    expect(await checkMapperTypes(folder, folder, memory)).toEqual({ problems: [] });
    writeFileSync(join(folder, 'card.ts'), "const invoice: { total: number } = { total: 1 };\n\nexport default { map: () => [invoice.totl] };\n");
    expect((await checkMapperTypes(folder, folder, memory)).problems).toEqual([expect.stringMatching(/^card\.ts:3: Property 'totl' does not exist .*\(TS2551\)$/)]);
    writeFileSync(join(folder, 'card.ts'), "export default { map: () => ['fixed'] };\n");
    expect(await checkMapperTypes(folder, folder, memory)).toEqual({ problems: [] });
  });
});
