// Turns the raw bytes of a JSON request (Plain's, the preview's) into its type, or a 400 that names what is wrong.
import type { z } from 'zod';
import { describeIssues } from '../describe-issues.ts';
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
  return parseJsonBody(body, CardsRequest, "Plain's card request");
}

/** UTF-8 JSON checked by `schema`: a 400 MALFORMED_JSON or INVALID_REQUEST naming what is wrong. */
export function parseJsonBody<S extends z.ZodType>(body: Uint8Array, schema: S, expected: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'the body is not valid UTF-8';
    throw new HttpError(400, 'MALFORMED_JSON', `Expected a JSON body, received one that does not parse: ${reason}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, 'INVALID_REQUEST', `Expected ${expected}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
