// Each remote source's circuit breaker and bulkhead (cockatiel), on a faked clock: open, half-open, closed.
import { GraphQLError, parse, type ExecutionResult } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guardTransport } from '../src/remote/breaker.ts';
import type { SourceGuardConfig } from '../src/remote/declaration.ts';
import type { Transport } from '../src/remote/transport.ts';
import type { RequestScope } from '../src/execution/executor.ts';

const OPERATION = { document: parse('{ __typename }') };
const SCOPE: RequestScope = { requestId: 'r', workspaceId: null, signal: new AbortController().signal };
const CONFIG: SourceGuardConfig = { breaker: { failures: 3, halfOpenAfterMs: 10_000 }, concurrency: { max: 8, queue: 8 } };
const DOWN: ExecutionResult = { errors: [new GraphQLError('source "billing" could not be reached', { extensions: { code: 'UPSTREAM_FAILED' } })] };
const UP: ExecutionResult = { data: { __typename: 'Query' } };

/** A transport whose answers the test sets, counting the calls that reach it (the upstream requests). */
function source(answer: () => ExecutionResult | Promise<ExecutionResult> = () => DOWN) {
  const state = { calls: 0, answer };
  const send: Transport = async () => {
    state.calls += 1;
    return state.answer();
  };
  return { state, send };
}

function guarded(config = CONFIG, answer?: () => ExecutionResult | Promise<ExecutionResult>) {
  const events: string[] = [];
  const { state, send } = source(answer);
  const call = guardTransport(send, 'billing', config, {
    circuit: (name, to) => void events.push(`${name} ${to}`),
    rejected: (name, reason) => void events.push(`${name} rejected ${reason}`),
  });
  return { state, events, call: () => call(OPERATION, SCOPE) };
}

const codeOf = (result: ExecutionResult) => result.errors?.[0]?.extensions?.code;

// cockatiel's halfOpenAfter reads Date.now(): the clock is faked, never slept on.
beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-26T12:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('a source circuit breaker (cockatiel) around the upstream request', () => {
  it('opens after N consecutive failures: the next calls fail at once without reaching the source', async () => {
    const { state, events, call } = guarded();
    for (let i = 0; i < 3; i++) expect(codeOf(await call())).toBe('UPSTREAM_FAILED');
    expect(events).toEqual(['billing open']);
    const refused = await call();
    expect(codeOf(refused)).toBe('SOURCE_REFUSED');
    expect(refused.errors![0]!.message).toMatch(/circuit breaker is open/);
    expect(state.calls).toBe(3);
    expect(events).toEqual(['billing open', 'billing rejected circuit-open']);
  });

  it('after halfOpenAfter, lets ONE probe through (others still fail fast); its success closes the breaker', async () => {
    const { state, events, call } = guarded();
    for (let i = 0; i < 3; i++) await call();
    vi.advanceTimersByTime(9_999);
    expect(codeOf(await call())).toBe('SOURCE_REFUSED');
    vi.advanceTimersByTime(1);
    let release!: (value: ExecutionResult) => void;
    state.answer = () => new Promise((resolve) => (release = resolve));
    const probe = call();
    await vi.waitFor(() => expect(state.calls).toBe(4));
    expect(codeOf(await call())).toBe('SOURCE_REFUSED');
    release(UP);
    expect(await probe).toEqual(UP);
    state.answer = () => UP;
    expect(await call()).toEqual(UP);
    expect(state.calls).toBe(5);
    expect(events.filter((e) => !e.includes('rejected'))).toEqual(['billing open', 'billing half-open', 'billing closed']);
  });

  it('a failed probe opens it again for another halfOpenAfter', async () => {
    const { state, events, call } = guarded();
    for (let i = 0; i < 3; i++) await call();
    vi.advanceTimersByTime(10_000);
    expect(codeOf(await call())).toBe('UPSTREAM_FAILED');
    expect(codeOf(await call())).toBe('SOURCE_REFUSED');
    expect(state.calls).toBe(4);
    expect(events.filter((e) => !e.includes('rejected'))).toEqual(['billing open', 'billing half-open', 'billing open']);
  });

  it.each<[string, ExecutionResult]>([
    ['GraphQL errors in a good answer (a resolver failed, not the source)', { data: null, errors: [new GraphQLError('customer not found')] }],
    ['successes', UP],
  ])('stays closed on %s', async (_what, answer) => {
    const { state, events, call } = guarded(CONFIG, () => answer);
    for (let i = 0; i < 10; i++) await call();
    expect(state.calls).toBe(10);
    expect(events).toEqual([]);
  });

  it('a success between failures starts the count again (consecutive failures only)', async () => {
    let n = 0;
    const { events, call } = guarded(CONFIG, () => (++n % 3 === 0 ? UP : DOWN));
    for (let i = 0; i < 9; i++) await call();
    expect(events).toEqual([]);
  });

  it('limits the calls in flight: beyond the limit and the queue, a call is refused at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { state, events, call } = guarded({ ...CONFIG, concurrency: { max: 1, queue: 1 } }, async () => (await gate, UP));
    const first = call();
    const queued = call();
    expect(codeOf(await call())).toBe('SOURCE_REFUSED');
    expect(events).toEqual(['billing rejected bulkhead-full']);
    release();
    expect([await first, await queued]).toEqual([UP, UP]);
    expect(state.calls).toBe(2);
  });
});
