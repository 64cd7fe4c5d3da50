// Loading stored cards (queries/, mappers, hints): every problem reported with its file and line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Source } from '../src/execution/executor.ts';
import { loadRegistry, RegistryError } from '../src/registry/registry.ts';

const schema = buildSchema(`
  scalar Email
  type Query { customer(email: String, externalId: ID, plainId: ID, contact: Email, limit: Int): Customer, account(externalId: ID!): Customer }
  type Customer { name: String!, email: String! }
  type Mutation { touch: Boolean }
`);
const sources = new Map<string, Source>([['local', { name: 'local', schema, createExecutor: () => async () => ({}) }]]);
const MAPPER = `export default { timeToLiveSeconds: 60, map: () => null };\n`;

/** Writes a cards folder: `{ 'a.graphql': '...', 'a.ts': '...' }`. */
function cardsDir(files: Record<string, string>): { queriesDir: string; cardsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'cardql-registry-'));
  const dirs = { queriesDir: join(root, 'queries'), cardsDir: join(root, 'cards') };
  mkdirSync(dirs.queriesDir);
  mkdirSync(dirs.cardsDir);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(name.endsWith('.graphql') ? dirs.queriesDir : dirs.cardsDir, name), text);
  }
  return dirs;
}

async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const dirs = cardsDir(files);
  try {
    await loadRegistry({ ...dirs, sources });
    return [];
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const root = relative(process.cwd(), join(dirs.queriesDir, '..'));
    return error.problems.map((p) => p.replaceAll(`${root}/`, ''));
  }
}

describe('loading stored cards', () => {
  it('parses each query once and records its operation and variables', async () => {
    const dirs = cardsDir({ 'who.graphql': 'query Who($email: String!, $externalId: ID) { customer(email: $email, externalId: $externalId) { name } }', 'who.ts': MAPPER });
    const registry = await loadRegistry({ ...dirs, sources });
    expect(registry.get('who')).toMatchObject({ key: 'who', source: 'local', operationName: 'Who', variables: { names: ['email', 'externalId'], withDefault: new Set() } });
    expect(registry.get('who')!.document.kind).toBe('Document');
  });

  it('accepts a custom scalar for a string variable', async () => {
    expect(await problemsOf({ 'c.graphql': 'query C($email: Email!) { customer(contact: $email) { name } }', 'c.ts': MAPPER })).toEqual([]);
  });

  it.each([
    ['a syntax error', 'query Broken {\n  customer(email: "a") {\n', /^queries\/k\.graphql:3: Syntax Error/],
    ['a field the schema does not have', 'query K {\n  customer(email: "a") {\n    age\n  }\n}', /^queries\/k\.graphql:3: Cannot query field "age" on type "Customer"/],
    ['a variable cardql cannot bind', 'query K($phone: String) { customer(email: $phone) { name } }', /^queries\/k\.graphql:1: variable \$phone is not one cardql can bind/],
    ['a non-null variable Plain may send as null', 'query K($externalId: ID!) { customer(externalId: $externalId) { name } }', /variable \$externalId can be null in Plain's request \(a customer without an external id\): declare it as ID, not ID!.*give it a default/],
    ['a nullable variable where a value is required, with how to make it run for everyone', 'query K($externalId: ID) { account(externalId: $externalId) { name } }', /Variable "\$externalId" of type "ID" used in position expecting type "ID!"\. \$externalId is null for a customer without an external id: give it a default \(`\$externalId: ID = ""`\)/],
    ['a variable of a type that cannot hold a string', 'query K($email: Int) { customer(limit: $email) { name } }', /variable \$email must be a string type.*received Int/],
    ['a list variable', 'query K($email: [String]) { customer { name } }', /variable \$email must be a string type.*received \[String\]/],
    ['a mutation', 'mutation K { touch }', /^queries\/k\.graphql:1: expected a named query operation, found a mutation/],
    ['an anonymous query', '{ customer { name } }', /expected a named query operation, found an anonymous operation/],
    ['two operations', 'query A { customer { name } }\nquery B { customer { name } }', /expected exactly one operation, found 2/],
  ])('rejects %s with file:line', async (_what, query, expected) => {
    const problems = await problemsOf({ 'k.graphql': query, 'k.ts': MAPPER });
    expect(problems).toContainEqual(expect.stringMatching(expected));
  });

  it.each([
    ['no default export', 'export const map = () => null;', /expected `export default defineMapper/],
    ['a TTL out of range', 'export default { timeToLiveSeconds: 5, map: () => null };', /timeToLiveSeconds must be null or an integer from 15 to 31536000, received 5/],
    ['a mapper that does not load', 'throw new Error("boom at import");', /cannot load the mapper: boom at import/],
  ])('rejects a mapper with %s', async (_what, mapper, expected) => {
    const problems = await problemsOf({ 'k.graphql': 'query K { customer { name } }', 'k.ts': mapper });
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  it('lists every problem at once, across files', async () => {
    const problems = await problemsOf({
      'a.graphql': 'query A { customer { age } }',
      'a.ts': MAPPER,
      'no-mapper.graphql': 'query N { customer { name @badge(color: PINK) } }',
      'orphan.ts': MAPPER,
      'bad key.graphql': 'query B { customer { name } }',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^queries\/a\.graphql:1: Cannot query field "age"/),
      expect.stringMatching(/^queries\/bad key\.graphql:1: the file name must be a Plain card key/),
      expect.stringMatching(/^queries\/no-mapper\.graphql:1: Value "PINK" does not exist in "CardqlBadgeColor" enum/),
      expect.stringMatching(/^cards\/orphan\.ts:1: mapper without a stored query/),
    ]);
  });
});
