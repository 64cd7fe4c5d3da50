// Turns the raw bytes of a card request into a `CardsRequest`, or a 400 that names what is wrong.
import type { z } from 'zod';
import { CardsRequest } from '../plain/cards-request.ts';
import { HttpError } from './http-error.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Checks `Content-Type` before the body is read: Plain always sends `application/json`. */
export function assertJsonContentType(header: string | null): void {
  const type = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Expected Content-Type application/json, received ${header ? JSON.stringify(header) : 'none'}`);
  }
}

export function parseCardsRequest(body: Uint8Array): CardsRequest {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'the body is not valid UTF-8';
    throw new HttpError(400, 'MALFORMED_JSON', `Expected a JSON body, received one that does not parse: ${reason}`);
  }
  const parsed = CardsRequest.safeParse(json);
  if (!parsed.success) {
    throw new HttpError(400, 'INVALID_REQUEST', `Expected Plain's card request: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** `cardKeys.0: Invalid string…; customer.email: Invalid input…`, capped so a huge body cannot make a huge error. */
export function describeIssues(issues: z.core.$ZodIssue[], max = 10): string {
  const lines = issues.slice(0, max).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  if (issues.length > max) lines.push(`and ${issues.length - max} more`);
  return lines.join('; ');
}
