// Structured JSON logs (pino). Secrets and customer emails never reach a log line: we never pass them,
// and the redaction below is the belt to those braces.
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
  'err.variables.email',
];

/**
 * Logs to `destination`, by default standard output written synchronously: one write per line.
 * pino's default is asynchronous, buffering lines until the previous write returns; with the event
 * loop saturated that buffer kept growing, and RSS with it. A synchronous write is cheap and blocks
 * when the reader falls behind, which is the backpressure a bounded memory needs (docs/performance.md).
 */
export function createLogger(level: string = 'info', destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino({ level, base: { service: 'cardql' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
