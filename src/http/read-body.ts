// Reads a request body as raw bytes, never more than a limit: signatures are checked on these bytes.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** Plain's requests are a few hundred bytes; anything past this is not Plain. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Returns the exact bytes received; throws 413 as soon as `limit` is passed, without buffering the rest. */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) throw tooLarge(limit, `${declared} bytes`);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      // The client went away mid-body (node:http aborts the stream): its fault, not a crash of ours.
      throw incomplete(size);
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit, `more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The same for a node:http request (POST /cards skips the web Request): the same limit and errors.
 * On an error the rest of the body is left unread: the caller must close the connection.
 */
export function readNodeBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit, `${declared} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error?: HttpError) => {
      request.off('data', onData).off('end', onEnd).off('error', onBroken).off('close', onBroken);
      if (error) {
        request.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) stop(tooLarge(limit, `more than ${limit} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => stop();
    // An error, or 'close' before 'end': the client went away mid-body.
    const onBroken = () => stop(incomplete(size));
    request.on('data', onData).once('end', onEnd).once('error', onBroken).once('close', onBroken);
  });
}

function incomplete(size: number): HttpError {
  return new HttpError(400, 'INCOMPLETE_BODY', `Expected the whole body, received ${size} bytes before the connection broke off`);
}

function tooLarge(limit: number, received: string): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `Expected a body of at most ${limit} bytes, received ${received}`);
}
