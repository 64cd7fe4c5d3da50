// createLogger: JSON lines, levels, and redaction of what must never be logged.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED_PATHS } from '../src/log.ts';

function lineOf(log: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  log(createLogger('info', { write: (line: string) => lines.push(line) }));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('createLogger', () => {
  it('redacts secrets and emails wherever this code base could log them', () => {
    const secret = 'Bearer s3cr3t-token';
    const signature = 'f'.repeat(64);
    const email = 'alex@grocery.co';
    const line = lineOf((logger) =>
      logger.info(
        {
          authorization: secret,
          headers: { authorization: secret, 'plain-request-signature': signature },
          request: { headers: { authorization: secret, 'plain-request-signature': signature }, customer: { id: 'c_1', email } },
          customer: { email },
          email,
          variables: { email },
        },
        'everything at once',
      ),
    );
    expect(line).not.toContain(secret);
    expect(line).not.toContain(signature);
    expect(line).not.toContain(email);
    // Every listed path was censored, not dropped: the line keeps its shape for whoever reads it.
    expect(line.match(/\[redacted\]/g)).toHaveLength(REDACTED_PATHS.length);
    expect(JSON.parse(line)).toMatchObject({ request: { customer: { id: 'c_1', email: '[redacted]' } } });
  });

  it('leaves a line without those fields as it was', () => {
    const line = JSON.parse(lineOf((logger) => logger.info({ requestId: 'r1', keys: ['usage'], status: 200 }, 'cards request')));
    expect(line).toMatchObject({ service: 'cardql', requestId: 'r1', keys: ['usage'], status: 200, msg: 'cards request' });
  });

  it('writes to standard output synchronously by default, so that lines never pile up in memory under load', () => {
    const logger = createLogger('info') as unknown as Record<symbol, { fd: number; sync: boolean }>;
    const stream = logger[pino.symbols.streamSym]!;
    expect({ fd: stream.fd, sync: stream.sync }).toEqual({ fd: 1, sync: true });
  });
});
