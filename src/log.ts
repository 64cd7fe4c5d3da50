// Structured JSON logs (pino). Secrets and customer data never reach a log line: errors are logged by
// what they are (class, code, GraphQL paths, stack frames), never by what they say, unless cardql wrote it.
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may hold a secret or personal data if someone ever logs a whole object: the headers, a
 * Plain request (or its customer) and a card's variables, at the top of a line or under the names this
 * code base gives them. Exact paths only: a `*` wildcard makes pino copy every line before redacting
 * it, and every Plain request logs one (docs/performance.md).
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers["plain-request-signature"]',
  'request.headers.authorization',
  'request.headers["plain-request-signature"]',
  'email',
  'customer.email',
  'request.customer.email',
  'variables.email',
];

const LOGGABLE = Symbol.for('cardql.loggable-message');

/**
 * Marks an error whose message cardql composed from its own words only (keys, paths, limits; never
 * a value from a request, a resolver or an upstream), so that `describeFailure` may log it.
 */
export function loggable<E extends Error>(error: E): E {
  Object.defineProperty(error, LOGGABLE, { value: true });
  return error;
}

/** What a log line says about a failure: nothing an upstream, a resolver or a caller wrote. */
export type FailureDescription = {
  type: string;
  /** Only for errors marked with {@link loggable}. */
  message?: string;
  code?: string;
  status?: number;
  key?: string;
  /** GraphQL errors: where each happened and its `extensions.code`, never its message. */
  errors?: Array<{ message?: string; path?: string; code?: string; type?: string }>;
  cause?: FailureDescription;
  /** Stack frames (`at fn (file:line)`), without the first line, which repeats the message. */
  stack?: string[];
};

const WORD = /^[A-Za-z0-9_.:-]{1,80}$/;
const word = (value: unknown): string | undefined => (typeof value === 'string' && WORD.test(value) ? value : undefined);
const MAX_FRAMES = 12;
const MAX_ERRORS = 10;

/**
 * pino's `err` serializer, so that every `log.x({ err })` in the code base is safe by construction:
 * a GraphQL error's message can quote an email, a `SyntaxError` from JSON.parse quotes its input,
 * and `err.result.data` is the customer. Only cardql's own words (see {@link loggable}) are kept.
 */
export function describeFailure(error: unknown, depth = 0): FailureDescription {
  if (!(error instanceof Error)) return { type: error === null ? 'null' : typeof error };
  const e = error as Error & Record<string | symbol, unknown>;
  const described: FailureDescription = { type: word(e.name) ?? word(e.constructor?.name) ?? 'Error' };
  if (e[LOGGABLE] === true) described.message = e.message.slice(0, 2000);
  const code = word(e.code) ?? word((e.extensions as Record<string, unknown> | undefined)?.code);
  if (code) described.code = code;
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number') described.status = status;
  if (word(e.key)) described.key = e.key as string;
  const errors = (e.result as { errors?: unknown } | undefined)?.errors ?? (error instanceof AggregateError ? error.errors : undefined);
  if (Array.isArray(errors)) described.errors = errors.slice(0, MAX_ERRORS).map(describeGraphQLError);
  const cause = e.originalError ?? e.cause;
  if (cause !== undefined && cause !== error && depth < 3) described.cause = describeFailure(cause, depth + 1);
  const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  if (frames.length > 0) described.stack = frames.slice(0, MAX_FRAMES).map((line) => line.trim().slice(0, 300));
  return described;
}

function describeGraphQLError(error: unknown): { message?: string; path?: string; code?: string; type?: string } {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const { path, extensions, name, message } = error as { path?: unknown; extensions?: { code?: unknown }; name?: unknown; message?: unknown };
  return {
    ...((error as Record<symbol, unknown>)[LOGGABLE] === true && typeof message === 'string' && { message: message.slice(0, 2000) }),
    ...(Array.isArray(path) && { path: path.map((segment) => (typeof segment === 'number' ? String(segment) : (word(segment) ?? '?'))).join('.') }),
    ...(word(extensions?.code) && { code: extensions!.code as string }),
    ...(word(name) && name !== 'Error' && { type: name as string }),
  };
}

/** A caller-controlled string (a path, a method, a key) made safe for a log line: printable ASCII, bounded. */
export function clip(value: string, max = 120): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/**
 * Logs to `destination`, by default standard output written synchronously: one write per line.
 * pino's default is asynchronous, buffering lines until the previous write returns; with the event
 * loop saturated that buffer kept growing, and RSS with it. A synchronous write is cheap and blocks
 * when the reader falls behind, which is the backpressure a bounded memory needs (docs/performance.md).
 */
export function createLogger(level: string = 'info', destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      level,
      base: { service: 'cardql' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: describeFailure, error: describeFailure },
    },
    destination,
  );
}
