import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('runs with no environment at all, on documented defaults, and says loudly that requests are unauthenticated', () => {
    const { config, warnings } = loadConfig({});
    expect(config).toMatchObject({ production: false, port: 4000, host: '127.0.0.1', deadlineMs: 10_000, cardsAuth: { signingSecrets: [], authTokens: [] } });
    expect(warnings.join('\n')).toMatch(/NOT authenticated/);
  });

  it('reports every problem at once, each with what was expected and what was received', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', CARDQL_DEADLINE_MS: '20000', CARDQL_ALLOW_UNSIGNED: 'yes', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT:'))).toMatch(/received "eighty"/);
    expect(problems.find((p) => p.startsWith('CARDQL_DEADLINE_MS:'))).toMatch(/14000.*received "20000"/);
    expect(problems.find((p) => p.startsWith('CARDQL_ALLOW_UNSIGNED:'))).toMatch(/received "yes"/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/received "loud"/);
  });

  it('refuses to start in production without a signing secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CARDQL_SIGNING_SECRET/);
  });

  it('starts in production without a signing secret only when explicitly allowed', () => {
    expect(loadConfig({ NODE_ENV: 'production', CARDQL_ALLOW_UNSIGNED: 'true' }).config.production).toBe(true);
  });

  it('treats an empty secret as no secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: '' })).toThrow(ConfigError);
  });

  it('never puts a secret in a warning or an error', () => {
    const { warnings } = loadConfig({ CARDQL_AUTH_TOKEN: 'tok-123', CARDQL_ADMIN_TOKEN: 'adm-456' });
    expect(warnings.join('\n')).not.toMatch(/tok-123|adm-456/);
  });
});
