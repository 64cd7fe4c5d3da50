// loadConfig: defaults, every problem reported at once, and the last-good, Redis and tracing settings.
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
    expect(problems.find((p) => p.startsWith('CARDQL_DEADLINE_MS:'))).toMatch(/13000.*received "20000"/);
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

  it.each([
    ['13000', 13_000],
    ['13001', undefined],
    ['14000', undefined],
  ])('accepts a deadline of %s ms only when it leaves 2 s before Plain gives up at 15 s', (value, accepted) => {
    if (accepted === undefined) expect(() => loadConfig({ CARDQL_DEADLINE_MS: value })).toThrow(/CARDQL_DEADLINE_MS: .*13000/);
    else expect(loadConfig({ CARDQL_DEADLINE_MS: value }).config.deadlineMs).toBe(accepted);
  });
});

describe('loadConfig: last good cards, Redis and tracing', () => {
  it('keeps last good cards in process by default, for 24 h, in at most 32 MB', () => {
    expect(loadConfig({}).config.stale).toEqual({ maxAgeSeconds: 86_400, memoryBytes: 32 * 1024 * 1024, redis: null, keySecret: expect.any(String) });
  });

  it('turns them off with CARDQL_STALE_MAX_AGE_SECONDS=0', () => {
    expect(loadConfig({ CARDQL_STALE_MAX_AGE_SECONDS: '0' }).config.stale).toBeNull();
  });

  it('shares them on Redis with REDIS_URL, keys made with CARDQL_STALE_KEY_SECRET; in production, warns when it is not set', () => {
    const { config } = loadConfig({ REDIS_URL: 'redis://cache:6379/2', CARDQL_STALE_KEY_SECRET: 'k3y', CARDQL_REDIS_KEY_PREFIX: 'eu:' });
    expect(config.stale).toMatchObject({ redis: { url: 'redis://cache:6379/2', keyPrefix: 'eu:', timeoutMs: 100 }, keySecret: 'k3y' });
    const production = { NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 'sig', REDIS_URL: 'redis://c' };
    expect(loadConfig(production).warnings.join('\n')).toMatch(/set CARDQL_STALE_KEY_SECRET/);
    expect(loadConfig({ ...production, CARDQL_STALE_KEY_SECRET: 'k' }).warnings.join('\n')).not.toMatch(/CARDQL_STALE_KEY_SECRET/);
  });

  it.each([
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL, received "http:\/\/cache:6379"/],
    [{ CARDQL_STALE_MAX_AGE_SECONDS: '-1' }, /CARDQL_STALE_MAX_AGE_SECONDS: .*received "-1"/],
    [{ CARDQL_REDIS_TIMEOUT_MS: '1' }, /CARDQL_REDIS_TIMEOUT_MS: .*received "1"/],
    [{ REDIS_URL: 'redis://c', CARDQL_DEADLINE_MS: '1000', CARDQL_REDIS_TIMEOUT_MS: '300' }, /CARDQL_REDIS_TIMEOUT_MS: .*at most a quarter of CARDQL_DEADLINE_MS \(250\), received "300"/],
  ])('rejects %j, saying what it expected', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never puts the Redis URL (it may hold a password) in a warning', () => {
    expect(loadConfig({ REDIS_URL: 'redis://:pa55@cache:6379' }).warnings.join('\n')).not.toContain('pa55');
  });
});
