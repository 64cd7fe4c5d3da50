// Authentication of card requests: Plain's HMAC signature over the raw body, and an optional bearer token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error.ts';

/** Lowercase-hex HMAC-SHA256 of `body` keyed with `secret`, as Plain computes `Plain-Request-Signature`. */
export function sign(body: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks `Plain-Request-Signature` against the body bytes exactly as received (never a
 * re-serialisation), in constant time. Throws 401 when it is missing or wrong.
 */
export function verifySignature(body: Uint8Array, header: string | null, secret: string): void {
  if (!header) throw unauthorized('Expected a Plain-Request-Signature header, received none');
  const received = header.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(received)) {
    throw unauthorized('Expected Plain-Request-Signature to be 64 hex characters (HMAC-SHA256)');
  }
  const expected = createHmac('sha256', secret).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(received, 'hex'))) {
    throw unauthorized('Plain-Request-Signature does not match the body: check CARDQL_SIGNING_SECRET');
  }
}

/** Checks `Authorization: Bearer <token>` in constant time (both sides hashed, so lengths never leak). */
export function verifyBearer(header: string | null, token: string, realm = 'cardql'): void {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1] || !safeEqual(match[1], token)) {
    throw new HttpError(401, 'UNAUTHORIZED', 'Expected Authorization: Bearer <token> with a valid token', {
      'www-authenticate': `Bearer realm="${realm}"`,
    });
  }
}

function safeEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHmac('sha256', 'cardql-compare').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'INVALID_SIGNATURE', message);
}
