// Structured JSON logs (pino). Secrets and customer emails never reach a log line: we never pass them,
// and the redaction below is the belt to those braces.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that may hold a secret or personal data if someone ever logs a whole object. */
const REDACT = [
  'headers.authorization',
  'headers["plain-request-signature"]',
  '*.headers.authorization',
  '*.headers["plain-request-signature"]',
  'customer.email',
  '*.customer.email',
  'email',
  'variables.email',
  '*.variables.email',
];

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'cardql' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
