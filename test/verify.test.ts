// Plain's request authentication: HMAC signatures on raw bytes, several secrets for rotation, bearer tokens.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/http/http-error.ts';
import { sign, verifyBearer, verifySignature } from '../src/http/verify.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('Plain request signatures', () => {
  it("match the spec's test vector", () => {
    expect(sign('hello-world', 'secret')).toBe('1bff4699de4fb5202a4b1e6cefd7b5fdfb02d19a67a1eb371dd417a45b0a47df');
  });

  it('accept the signature of the exact bytes received', () => {
    expect(() => verifySignature(bytes('hello-world'), '1bff4699de4fb5202a4b1e6cefd7b5fdfb02d19a67a1eb371dd417a45b0a47df', 'secret')).not.toThrow();
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['not hex', 'z'.repeat(64)],
    ['too short', '1bff4699'],
    ['for another body', sign('hello-world ', 'secret')],
    ['made with another secret', sign('hello-world', 'Secret')],
  ])('reject a signature that is %s with 401', (_what, header) => {
    const attempt = () => verifySignature(bytes('hello-world'), header, 'secret');
    expect(attempt).toThrow(HttpError);
    expect(attempt).toThrow(expect.objectContaining({ status: 401 }));
  });
});

describe('several signing secrets (rotation)', () => {
  it.each([['the first', 'old'], ['the last', 'new']])('accept a signature made with %s secret of the list', (_which, secret) => {
    expect(() => verifySignature(bytes('hello-world'), sign('hello-world', secret), ['old', 'new'])).not.toThrow();
  });

  it('reject a signature made with none of them, and accept none when the list is empty', () => {
    expect(() => verifySignature(bytes('hello-world'), sign('hello-world', 'other'), ['old', 'new'])).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => verifySignature(bytes('hello-world'), sign('hello-world', 'old'), [])).toThrow(expect.objectContaining({ status: 401 }));
  });
});

describe('bearer tokens', () => {
  it('accept the configured token', () => {
    expect(() => verifyBearer('Bearer s3cret', 's3cret')).not.toThrow();
  });

  it.each([null, '', 'Bearer', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 's3cret'])('reject %j with 401', (header) => {
    expect(() => verifyBearer(header, 's3cret')).toThrow(expect.objectContaining({ status: 401 }));
  });
});
