// Merging a request's remote cards into one operation per source, and batching the requests of one turn.
import { buildSchema, GraphQLError, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { batchPerTurn, createOperationMerger, mergeVariables, splitResult } from '../src/remote/merged-operation.ts';

const schema = buildSchema('type Query { customer(id: ID!): Customer } type Customer { name: String! email: String! }');
const card = (text: string) => {
  const document = parse(text);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  return { document, operationName: (operation as { name: { value: string } }).name.value };
};
const names = card('query Names($id: ID!) { customer(id: $id) { ...F } } fragment F on Customer { name }');
const emails = card('query Emails($id: ID!) { who: customer(id: $id) { ...F } } fragment F on Customer { email }');

describe('merging the cards of one request into one operation', () => {
  it('builds the merged operation once per set of cards and hands the same object back', () => {
    const mergedFor = createOperationMerger();
    const first = mergedFor([names, emails]);
    expect(mergedFor([names, emails])).toBe(first);
    expect(mergedFor([emails, names])).not.toBe(first);
  });

  it('prefixes root fields, variables and fragments per card, so that cards sharing names still make a valid operation', () => {
    const merged = createOperationMerger()([names, emails]);
    expect(validate(schema, merged.document)).toEqual([]);
    const text = print(merged.document);
    expect(text).toContain('_v0_customer: customer(id: $_v0_id)');
    expect(text).toContain('_v1_who: customer(id: $_v1_id)');
    expect(text).toContain('fragment _v0_F on Customer');
    expect(text).toContain('fragment _v1_F on Customer');
    expect(mergeVariables(merged, [{ variables: { id: 'a' } }, { variables: { id: 'b' } }])).toEqual({ _v0_id: 'a', _v1_id: 'b' });
  });

  it('sends one card as it was written, unprefixed', () => {
    const merged = createOperationMerger()([names]);
    expect(merged.document).toBe(names.document);
    expect(mergeVariables(merged, [{ variables: { id: 'a' } }])).toEqual({ id: 'a' });
  });

  it.each([
    ['data goes back to its card under its own keys', { data: { _v0_customer: { name: 'A' }, _v1_who: { email: 'a@b' } } }, [{ data: { customer: { name: 'A' } } }, { data: { who: { email: 'a@b' } } }]],
    [
      'an error with a path goes to its card only, with the path it would have had alone',
      { data: { _v0_customer: null, _v1_who: { email: 'a@b' } }, errors: [new GraphQLError('boom', { path: ['_v0_customer', 'name'] })] },
      [{ path: ['customer', 'name'], message: 'boom' }, { data: { who: { email: 'a@b' } } }],
    ],
    ['an error without a path concerns every card', { errors: [new GraphQLError('down')] }, [{ message: 'down' }, { message: 'down' }]],
    ['a card whose data vanished with no error of its own fails, saying why', { data: { _v0_customer: { name: 'A' } } }, [{ data: { customer: { name: 'A' } } }, { message: /answered without who: an error elsewhere in the merged operation nulled its data/ }]],
  ])('splits the result: %s', (_name, result, expected) => {
    const merged = createOperationMerger()([names, emails]);
    const split = splitResult(merged, result, 'demo');
    split.forEach((part, index) => {
      const want = expected[index] as { data?: unknown; message?: string | RegExp; path?: unknown };
      if (want.data) return expect(part).toEqual({ data: want.data });
      expect(part.errors).toHaveLength(1);
      expect(part.errors![0]!.message).toMatch(want.message!);
      if (want.path) expect(part.errors![0]!.path).toEqual(want.path);
    });
  });
});

describe('batching the requests of one turn', () => {
  it('runs the requests started together as one call, and each gets its own answer', async () => {
    const calls: number[] = [];
    const executor = batchPerTurn(async (requests) => (calls.push(requests.length), requests.map((r) => ({ data: { id: r.variables.id } }))));
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => executor({ ...names, variables: { id } })));
    expect(calls).toEqual([3]);
    expect(answers).toEqual([{ data: { id: 'a' } }, { data: { id: 'b' } }, { data: { id: 'c' } }]);
  });

  it('turns a failure of the whole call into an error result for each request, never a rejection', async () => {
    const executor = batchPerTurn(async () => Promise.reject(new Error('socket hang up')));
    const answers = await Promise.all(['a', 'b'].map((id) => executor({ ...names, variables: { id } })));
    for (const answer of answers) expect(answer.errors?.[0]?.message).toBe('socket hang up');
  });
});
