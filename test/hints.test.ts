// Layout hints: what each one does to the automatic layout, the problems startup reports for a bad
// one, and that no source ever receives them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSchema, execute, print, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Source } from '../src/execution/executor.ts';
import { Card } from '../src/plain/cards-response.ts';
import type { Component } from '../src/plain/components.ts';
import { loadRegistry, RegistryError } from '../src/registry/registry.ts';
import { resolveCards } from '../src/resolve/resolve-cards.ts';
import { automatic } from './fixtures/auto-layout/automatic.ts';
import { outline } from './support/outline.ts';

const schema = buildSchema(`
  enum Status { ACTIVE PAST_DUE PAUSED }
  type Query { customer(email: String): Customer }
  type Customer { name: String, status: Status, active: Boolean, seats: Int, url: String, plan: Plan }
  type Plan { name: String }
`);

const customer = { name: 'Alex', status: 'PAUSED', active: true, seats: 12, url: 'https://billing.example.com/c/1', plan: { name: 'Growth' } };

function layout(selection: string, value: Record<string, unknown> = customer): string {
  const card = automatic(schema, `query K { customer { ${selection} } }`);
  expect(card.problems).toEqual([]);
  return outline(Card.parse({ key: 'k', components: card.layout({ customer: value }) }).components as Component[] | null);
}

describe('what each layout hint does', () => {
  it.each([
    ['@label renames a field', 'name @label(text: "Customer")', 'row: text "Customer" [S MUTED] | plain "Alex"'],
    ['@label titles an object', 'seats plan @label(text: "Current plan") { name }', 'row: text "Seats" [S MUTED] | text "12"\nspacer S\ncontainer\n  text "**Current plan**"\n  row: text "Name" [S MUTED] | plain "Growth"'],
    ['@hide leaves a field out', 'name seats @hide', 'row: text "Name" [S MUTED] | plain "Alex"'],
    ['@hide leaves an object out', 'name plan @hide { name }', 'row: text "Name" [S MUTED] | plain "Alex"'],
    ['@badge(color:) paints an enum', 'status @badge(color: BLUE)', 'row: text "Status" [S MUTED] | badge BLUE "Paused"'],
    ['@badge turns text into a badge', 'name @badge', 'row: text "Name" [S MUTED] | badge GREY "Alex"'],
    ['@badge turns a number into a badge', 'seats @badge(color: GREEN)', 'row: text "Seats" [S MUTED] | badge GREEN "12"'],
    ['@badge(colors:) paints the values it names', 'status @badge(colors: { PAUSED: YELLOW })', 'row: text "Status" [S MUTED] | badge YELLOW "Paused"'],
    ['@badge(colors:) paints booleans', 'active @badge(colors: { true: RED })', 'row: text "Active" [S MUTED] | badge RED "Yes"'],
    ['@link labels a link button', 'url @link(label: "Open in billing")', 'link "Open in billing" → https://billing.example.com/c/1'],
  ])('%s', (_what, selection, expected) => {
    expect(layout(selection)).toBe(expected);
  });

  it.each([
    ['the automatic colour for values @badge(colors:) does not name', { ...customer, status: 'PAST_DUE' }, 'badge RED "Past due"'],
    ['@badge(color:) for values @badge(colors:) does not name, when both are given', { ...customer, status: 'ACTIVE' }, 'badge BLUE "Active"'],
  ])('uses %s', (_what, value, expected) => {
    const selection = expected.includes('BLUE') ? 'status @badge(colors: { PAUSED: YELLOW }, color: BLUE)' : 'status @badge(colors: { PAUSED: YELLOW })';
    expect(layout(selection, value)).toBe(`row: text "Status" [S MUTED] | ${expected}`);
  });

  it('shows a @link whose value is not a URL as text, since Plain would reject the button', () => {
    expect(layout('url @link(label: "Open")', { url: 'not a url' })).toBe('row: text "URL" [S MUTED] | plain "not a url"');
  });

  it('@card(ttl:) sets the TTL; without it Plain keeps the TTL it is configured with', () => {
    expect(automatic(schema, 'query K @card(ttl: 300) { customer { name } }').timeToLiveSeconds).toBe(300);
    expect(automatic(schema, 'query K { customer { name } }').timeToLiveSeconds).toBeNull();
  });
});

// ---- Startup: hints checked with the rest of the card, reported as file:line ----------------------

/** A source that records every document it is asked to run, printed, and answers from `customer`. */
function recordingSource(name: string, sourceSchema: GraphQLSchema = schema): Source & { seen: string[] } {
  const seen: string[] = [];
  return {
    name,
    schema: sourceSchema,
    seen,
    createExecutor: () => async ({ document, variables }) => {
      seen.push(print(document));
      return execute({ schema: sourceSchema, document, variableValues: variables, rootValue: { customer: () => customer } }) as never;
    },
  };
}

function cardsDir(files: Record<string, string>): { queriesDir: string; cardsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'cardql-hints-'));
  const dirs = { queriesDir: join(root, 'queries'), cardsDir: join(root, 'cards') };
  mkdirSync(dirs.queriesDir);
  mkdirSync(dirs.cardsDir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(name.endsWith('.graphql') ? dirs.queriesDir : dirs.cardsDir, name), text);
  return dirs;
}

async function problemsOf(query: string, files: Record<string, string> = {}): Promise<string[]> {
  const dirs = cardsDir({ 'k.graphql': query, ...files });
  try {
    await loadRegistry({ ...dirs, sources: new Map([['local', recordingSource('local')]]) });
    return [];
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const root = relative(process.cwd(), join(dirs.queriesDir, '..'));
    return error.problems.map((p) => p.replaceAll(`${root}/`, ''));
  }
}

/** The hint goes on line 3 of the query, so that every message must point there. */
const onLine3 = (field: string, operation = '') => `query K($email: String!)${operation} {\n  customer(email: $email) {\n    ${field}\n  }\n}\n`;

describe('hints checked at startup', () => {
  it.each([
    ['an unknown hint', onLine3('name @badg'), /^queries\/k\.graphql:3: Unknown directive "@badg"\. Layout hints are @card, @label, @hide, @badge, @link/],
    ['a colour Plain does not have', onLine3('status @badge(color: PINK)'), /^queries\/k\.graphql:3: Value "PINK" does not exist in "CardqlBadgeColor" enum\. Badge colours are GREY, GREEN, YELLOW, RED, BLUE\./],
    ['a colour map with a colour Plain does not have', onLine3('status @badge(colors: { ACTIVE: PINK })'), /^queries\/k\.graphql:3: .*the colour for ACTIVE must be one of GREY, GREEN, YELLOW, RED, BLUE/],
    ['a colour map that is not an object', onLine3('status @badge(colors: "red")'), /^queries\/k\.graphql:3: .*expected an object of value: COLOUR pairs/],
    ['a colour for a value the enum does not have', onLine3('status @badge(colors: { CANCELLED: RED })'), /^queries\/k\.graphql:3: @badge\(colors:\) names CANCELLED, not values of Status: expected some of ACTIVE, PAST_DUE, PAUSED/],
    ['a colour for a boolean that is not true or false', onLine3('active @badge(colors: { yes: GREEN })'), /^queries\/k\.graphql:3: @badge\(colors:\) names yes for a Boolean: expected true and\/or false/],
    ['a badge on an object', onLine3('plan @badge { name }'), /^queries\/k\.graphql:3: @badge needs a scalar or enum field, "plan" is Plan/],
    ['a link on a number', onLine3('seats @link(label: "Seats")'), /^queries\/k\.graphql:3: @link needs a field holding a URL .*"seats" is Int/],
    ['a badge and a link on one field', onLine3('url @badge @link'), /^queries\/k\.graphql:3: "url" cannot be both a @badge and a @link/],
    ['a blank label', onLine3('name @label(text: "  ")'), /^queries\/k\.graphql:3: @label\(text:\) must be 1 to 100 characters, received "  "/],
    ['a label without its text', onLine3('name @label'), /^queries\/k\.graphql:3: Directive "@label" argument "text" of type "String!" is required/],
    ['a hint where it does not apply', onLine3('name', ' @hide'), /^queries\/k\.graphql:1: Directive "@hide" may not be used on QUERY/],
    ['a card hint on a field', onLine3('name @card(ttl: 60)'), /^queries\/k\.graphql:3: Directive "@card" may not be used on FIELD/],
    ['a TTL out of range', onLine3('name', ' @card(ttl: 5)'), /^queries\/k\.graphql:1: @card\(ttl:\) must be from 15 to 31536000 seconds, received 5/],
    ['a TTL that is not an integer', onLine3('name', ' @card(ttl: "300")'), /^queries\/k\.graphql:1: Int cannot represent non-integer value: "300"/],
    ['a source named in a hint (the folder chooses it)', onLine3('name', ' @card(source: "billing")'), /^queries\/k\.graphql:1: Unknown argument "source" on directive "@card"/],
    ['a hint set from a variable', onLine3('name @label(text: $email)'), /^queries\/k\.graphql:3: @label\(text:\) must be written in the query, received the variable \$email/],
    ['the same hint twice', onLine3('name @hide @hide'), /^queries\/k\.graphql:3: The directive "@hide" can only be used once at this location/],
  ])('reports %s', async (_what, query, expected) => {
    expect(await problemsOf(query)).toContainEqual(expect.stringMatching(expected));
  });

  it('warns of a hint in a card that has a mapper (the mapper decides the layout), and still loads the card', async () => {
    const dirs = cardsDir({ 'k.graphql': onLine3('name @label(text: "Name")', ' @card(ttl: 60)'), 'k.ts': 'export default { timeToLiveSeconds: 60, map: () => null };\n' });
    const warnings: string[] = [];
    const registry = await loadRegistry({ ...dirs, sources: new Map([['local', recordingSource('local')]]), warn: (warning) => warnings.push(warning) });
    expect(registry.get('k')?.layout).toBe('mapper');
    const root = relative(process.cwd(), join(dirs.queriesDir, '..'));
    expect(warnings.map((w) => w.replaceAll(`${root}/`, ''))).toEqual([
      expect.stringMatching(/^queries\/k\.graphql:1: warning: @card has no effect: this card has a mapper \(.*cards\/k\.ts\), which decides its layout and TTL/),
      expect.stringMatching(/^queries\/k\.graphql:3: warning: @label has no effect/),
    ]);
  });

  it('accepts a card with every hint used well', async () => {
    const query = `query K($email: String!) @card(ttl: 300) {
      customer(email: $email) {
        name @label(text: "Customer")
        status @badge(colors: { PAUSED: YELLOW }, color: GREY)
        active @badge(colors: { true: GREEN, false: RED })
        url @link(label: "Open")
        seats @hide
        plan { name @label(text: "Plan") }
      }
    }`;
    expect(await problemsOf(query)).toEqual([]);
  });
});

describe('hints never reach a source', () => {
  const request = { cardKeys: ['k'], customer: { id: 'c_1', email: 'alex@grocery.co', externalId: null }, thread: null, tenant: null };

  it('runs the query without its hints, and keeps the directives GraphQL defines', async () => {
    const source = recordingSource('local');
    const dirs = cardsDir({
      'k.graphql': `query K($email: String!) @card(ttl: 60) {\n  customer(email: $email) {\n    name @label(text: "Who") @include(if: true)\n    status @badge(color: RED)\n    plan @hide { name }\n    url @link(label: "Open")\n  }\n}\n`,
    });
    const registry = await loadRegistry({ ...dirs, sources: new Map([['local', source]]) });
    const { results } = await resolveCards({ registry, sources: new Map([['local', source]]), request, requestId: 'r', workspaceId: null, deadlineMs: 5000 });
    expect(source.seen).toHaveLength(1);
    expect(source.seen[0]).not.toMatch(/@(card|label|badge|hide|link)\b/);
    expect(source.seen[0]).toContain('@include(if: true)');
    expect(results[0]).toMatchObject({ outcome: 'ok', card: { timeToLiveSeconds: 60 } });
    expect(outline(results[0]!.card.components)).toBe('row: text "Who" [S MUTED] | plain "Alex"\nspacer S\nrow: text "Status" [S MUTED] | badge RED "Paused"\nspacer S\nlink "Open" → https://billing.example.com/c/1');
  });

  it("passes through a directive the source defines itself, even when a hint has its name", async () => {
    const ownLink = buildSchema(`
      directive @link(label: String) on FIELD
      type Query { customer(email: String): Customer }
      type Customer { name: String, url: String }
    `);
    const source = recordingSource('local', ownLink);
    const dirs = cardsDir({ 'k.graphql': 'query K($email: String!) {\n  customer(email: $email) {\n    name @badge\n    url @link(label: "theirs")\n  }\n}\n' });
    const registry = await loadRegistry({ ...dirs, sources: new Map([['local', source]]) });
    await resolveCards({ registry, sources: new Map([['local', source]]), request, requestId: 'r', workspaceId: null, deadlineMs: 5000 });
    expect(source.seen[0]).toContain('@link(label: "theirs")');
    expect(source.seen[0]).not.toContain('@badge');
  });
});
