// How card requests are authenticated: signing secrets (several during a rotation, one per Plain
// workspace) and a token in whichever header Plain is configured to send. Through both doors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { sign } from '../src/http/verify.ts';
import { cardsBody, plainRequest } from './support/app.ts';
import { DOORS, type Opened } from './support/doors.ts';

const body = JSON.stringify(cardsBody(['usage']));

/** A Plain request for `usage`, signed with `secret` (unsigned when absent), from `workspace`, with extra headers. */
function request({ secret, workspace = 'w_01TEST', headers = {} }: { secret?: string; workspace?: string | null; headers?: Record<string, string> }): Request {
  const all: Record<string, string> = { ...headers, ...(secret && { 'plain-request-signature': sign(body, secret) }) };
  const built = plainRequest(undefined, { raw: body, headers: all });
  if (workspace === null) built.headers.delete('plain-workspace-id');
  else built.headers.set('plain-workspace-id', workspace);
  return built;
}

describe.each(DOORS)('card request authentication through $name', (door) => {
  const opened: Opened[] = [];
  afterAll(() => Promise.all(opened.map((o) => o.close())));
  async function open(env: Record<string, string>): Promise<Opened> {
    const app = await door.open(env);
    opened.push(app);
    return app;
  }
  async function answer(app: Opened, req: Request): Promise<[number, string | undefined]> {
    const response = await app.send(req);
    const json = (await response.json()) as { error?: { code: string } };
    return [response.status, json.error?.code];
  }

  describe('secret rotation: CARDQL_SIGNING_SECRET="old,new"', () => {
    let app: Opened;
    beforeAll(async () => {
      app = await open({ CARDQL_SIGNING_SECRET: 'old-secret, new-secret' });
    });
    it.each<[string, string | undefined, [number, string | undefined]]>([
      ['the old secret (Plain not switched yet)', 'old-secret', [200, undefined]],
      ['the new secret (Plain switched first)', 'new-secret', [200, undefined]],
      ['another secret', 'other-secret', [401, 'INVALID_SIGNATURE']],
      ['the two secrets joined', 'old-secret,new-secret', [401, 'INVALID_SIGNATURE']],
      ['no signature', undefined, [401, 'INVALID_SIGNATURE']],
    ])('a request signed with %s gets %j', async (_what, secret, expected) => {
      expect(await answer(app, request({ secret }))).toEqual(expected);
    });
  });

  describe('several Plain workspaces: CARDQL_WORKSPACE_SECRETS', () => {
    let app: Opened;
    beforeAll(async () => {
      app = await open({ CARDQL_WORKSPACE_SECRETS: JSON.stringify({ w_01STAGING: 'staging-secret', w_01PROD: ['prod-old', 'prod-new'] }) });
    });
    it.each<[string, { secret?: string; workspace?: string | null }, [number, string | undefined]]>([
      ['staging signed with its secret', { secret: 'staging-secret', workspace: 'w_01STAGING' }, [200, undefined]],
      ['production signed with either of its secrets', { secret: 'prod-new', workspace: 'w_01PROD' }, [200, undefined]],
      ["production signed with staging's secret", { secret: 'staging-secret', workspace: 'w_01PROD' }, [401, 'INVALID_SIGNATURE']],
      ['a workspace not configured, whatever it signs with', { secret: 'staging-secret', workspace: 'w_01OTHER' }, [401, 'UNKNOWN_WORKSPACE']],
      ['no Plain-Workspace-Id', { secret: 'staging-secret', workspace: null }, [401, 'UNKNOWN_WORKSPACE']],
    ])('%s gets %j', async (_what, options, expected) => {
      expect(await answer(app, request(options))).toEqual(expected);
    });
  });

  describe('a token in any header: CARDQL_AUTH_HEADER, CARDQL_AUTH_TOKEN', () => {
    it.each<[string, Record<string, string>, Record<string, string>, [number, string | undefined]]>([
      ['X-Api-Key with the token', { CARDQL_AUTH_HEADER: 'X-Api-Key', CARDQL_AUTH_TOKEN: 'k-123' }, { 'x-api-key': 'k-123' }, [200, undefined]],
      ['X-Api-Key with another token', { CARDQL_AUTH_HEADER: 'X-Api-Key', CARDQL_AUTH_TOKEN: 'k-123' }, { 'x-api-key': 'k-124' }, [401, 'UNAUTHORIZED']],
      ['the token in Authorization when X-Api-Key is configured', { CARDQL_AUTH_HEADER: 'X-Api-Key', CARDQL_AUTH_TOKEN: 'k-123' }, { authorization: 'Bearer k-123' }, [401, 'UNAUTHORIZED']],
      ['either token of a rotation', { CARDQL_AUTH_HEADER: 'X-Api-Key', CARDQL_AUTH_TOKEN: 'k-old,k-new' }, { 'x-api-key': 'k-new' }, [200, undefined]],
      ['Authorization: Bearer (the default header)', { CARDQL_AUTH_TOKEN: 't-1' }, { authorization: 'bearer t-1' }, [200, undefined]],
      ['Authorization with a whole configured value', { CARDQL_AUTH_TOKEN: 'Basic cGxhaW46czNjcjN0' }, { authorization: 'Basic cGxhaW46czNjcjN0' }, [200, undefined]],
      ['Authorization without the scheme', { CARDQL_AUTH_TOKEN: 't-1' }, { authorization: 't-1' }, [401, 'UNAUTHORIZED']],
    ])('%s', async (_what, env, headers, expected) => {
      const app = await open({ CARDQL_SIGNING_SECRET: 's', ...env });
      expect(await answer(app, request({ secret: 's', headers }))).toEqual(expected);
    });
  });
});

describe('loadConfig for authentication', () => {
  it('reads lists and per-workspace secrets', () => {
    const { config } = loadConfig({ CARDQL_WORKSPACE_SECRETS: '{"w_1":"a","w_2":["b","c"]}', CARDQL_AUTH_HEADER: 'X-Api-Key', CARDQL_AUTH_TOKEN: ' k1 , k2 ' });
    expect(config.cardsAuth).toEqual({ signingSecrets: [], workspaceSecrets: new Map([['w_1', ['a']], ['w_2', ['b', 'c']]]), authHeader: 'x-api-key', authTokens: ['k1', 'k2'] });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['workspace secrets that are not JSON', { CARDQL_WORKSPACE_SECRETS: '{w_1: secret-value}' }, /CARDQL_WORKSPACE_SECRETS: expected JSON .*received 19 characters that are not JSON/],
    ['a workspace secret that is a number', { CARDQL_WORKSPACE_SECRETS: '{"w_1": 5}' }, /CARDQL_WORKSPACE_SECRETS\.w_1: .*expected JSON such as/],
    ['a workspace id with a space', { CARDQL_WORKSPACE_SECRETS: '{"w 1": "s"}' }, /CARDQL_WORKSPACE_SECRETS.*workspace ids matching/],
    ['an empty object', { CARDQL_WORKSPACE_SECRETS: '{}' }, /received an empty object/],
    ['both kinds of secret', { CARDQL_WORKSPACE_SECRETS: '{"w_1": "s"}', CARDQL_SIGNING_SECRET: 't' }, /expected either it or CARDQL_SIGNING_SECRET, received both/],
    ['a header name with a colon', { CARDQL_AUTH_HEADER: 'X-Api-Key:' }, /CARDQL_AUTH_HEADER: expected an HTTP header name/],
    ['an admin origin with a path', { CARDQL_ADMIN_ORIGINS: 'https://admin.example.com/app' }, /CARDQL_ADMIN_ORIGINS: expected origins such as/],
  ])('rejects %s, saying what was expected and never echoing a secret', (_what, env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).message).not.toContain('secret-value');
  });

  it('is satisfied in production by per-workspace secrets', () => {
    expect(loadConfig({ NODE_ENV: 'production', CARDQL_WORKSPACE_SECRETS: '{"w_1": "s"}' }).config.production).toBe(true);
  });
});
