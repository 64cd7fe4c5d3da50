// Resolves every requested card of one Plain request concurrently, all of them within one deadline.
import type { CardsRequest } from '../plain/cards-request.ts';
import type { Executor, RequestScope, Source } from '../execution/executor.ts';
import type { Registry } from '../registry/registry.ts';
import { bindVariables } from '../registry/variables.ts';
import { failedCard, type CardResult } from './card-result.ts';
import { runCard } from './run-card.ts';
import { loggable } from '../log.ts';
import { FIXED_MARGIN, type ResponseMargin } from './response-margin.ts';

export type ResolveInput = {
  registry: Registry;
  sources: ReadonlyMap<string, Source>;
  request: CardsRequest;
  requestId: string;
  workspaceId: string | null;
  deadlineMs: number;
  /** When the request arrived, on `clock.now()`: the deadline counts from there. Default: now. */
  receivedAt?: number;
  /** Time, injected by tests. Default: performance.now and the global timers. */
  clock?: Clock;
  /** How long before the deadline cards time out; told how late the deadline's timer fired. Default: the fixed 50 ms. */
  margin?: ResponseMargin;
};

/** What the deadline needs of time: a monotonic "now" in milliseconds and one timer. */
export type Clock = {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type Resolution = {
  results: CardResult[];
  /** Requested keys with no stored query: left out of the response so Plain shows them as missing. */
  unknownKeys: string[];
};

/**
 * Runs the known cards among `request.cardKeys` (each once, however often it was asked for).
 * Counted from the request's arrival, at the deadline less the response margin (response-margin.ts), cards still
 * running become timeout error cards; their work is aborted once the answer is on its way.
 */
export async function resolveCards({ registry, sources, request, requestId, workspaceId, deadlineMs, clock = systemClock, receivedAt = clock.now(), margin = FIXED_MARGIN }: ResolveInput): Promise<Resolution> {
  const keys = [...new Set(request.cardKeys)];
  const cards = keys.flatMap((key) => registry.get(key) ?? []);
  const unknownKeys = keys.filter((key) => !registry.has(key));
  const cutoffAt = receivedAt + deadlineMs - margin.forDeadline(deadlineMs);
  const scope = new PipelineScope(requestId, workspaceId, cutoffAt);
  const executors = new Map<string, Executor>();
  const executorFor = (name: string): Executor => {
    let executor = executors.get(name);
    if (!executor) {
      executor = sources.get(name)!.createExecutor(scope);
      executors.set(name, executor);
    }
    return executor;
  };
  let timer: unknown;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = clock.setTimeout(() => {
      margin.record(Math.max(0, clock.now() - cutoffAt));
      resolve('deadline');
    }, Math.max(0, cutoffAt - clock.now()));
  });
  const context = { customer: request.customer, thread: request.thread, tenant: request.tenant };
  try {
    const results = await Promise.all(
      cards.map(async (card) => {
        const running = runCard({
          card,
          executor: executorFor(card.source),
          partialDataSchema: partialDataSchemaOf(sources.get(card.source)!),
          variables: bindVariables(card.variables, request, workspaceId),
          context,
        });
        const first = await Promise.race([running, deadline]);
        if (first !== 'deadline') return first;
        return failedCard(card.key, 'timeout', new DeadlineError(card.key, deadlineMs), Math.round(clock.now() - receivedAt));
      }),
    );
    return { results, unknownKeys };
  } finally {
    clock.clearTimeout(timer);
    margin.done();
    // After the answer is on its way: aborting what still runs (fetch teardown for every hung
    // upstream call) is work the response must not wait behind.
    setImmediate(() => scope.settle());
  }
}

function partialDataSchemaOf(source: Source) {
  return source.mapsPartialData ? source.schema : undefined;
}

/**
 * The scope every executor of one Plain request shares. Its signal is made on first read: the
 * in-process source never reads it, and an AbortController costs CPU on every request for nothing to
 * stop. Work still running when the request is answered, and reading it only then, finds it aborted.
 *
 * A class, not an object literal with `get signal()`: V8 puts a literal's own accessor in old space,
 * so each request's getter closure (and through it the request's loaders, rows and cards) survived
 * until a full GC and was promoted by every scavenge before it. Figures: docs/performance.md
 * ("The request scope is a class").
 */
class PipelineScope implements RequestScope {
  #controller: AbortController | undefined;
  #settled = false;

  constructor(
    readonly requestId: string,
    readonly workspaceId: string | null,
    readonly deadlineAt: number,
  ) {}

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#settled) this.#controller.abort(SETTLED);
    }
    return this.#controller.signal;
  }

  /** The request is answered (or its deadline passed): aborts the signal, if anyone read it. */
  settle(): void {
    this.#settled = true;
    this.#controller?.abort(SETTLED);
  }
}

/**
 * The abort reason once a request is answered. Given once: `abort()` without a reason builds a
 * DOMException with its stack on every request (docs/performance.md).
 */
const SETTLED = new Error('the Plain request was answered (or its deadline passed): its remaining work is no longer needed');

/**
 * A card still running at the deadline, as its error card's cause in the logs. Without stack frames:
 * where it was made is always the deadline's timer, and formatting a stack (source-mapped under
 * `npm start`'s --enable-source-maps) for every card of every late request was synchronous work
 * on the way of the answers due at the same moment (docs/operations.md).
 */
export class DeadlineError extends Error {
  constructor(key: string, deadlineMs: number) {
    super(`card "${key}" missed the ${deadlineMs} ms deadline`);
    this.name = 'DeadlineError';
    this.stack = `${this.name}: ${this.message}`;
    loggable(this);
  }
}
