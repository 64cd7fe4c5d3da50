// GET / points a developer to the preview and GraphiQL; in production it stays a JSON 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.ts';

let development: TestApp;
let production: TestApp;

beforeAll(async () => {
  [development, production] = await Promise.all([createTestApp({ NODE_ENV: 'development' }), createTestApp({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: 'home-test-secret' })]);
});
afterAll(async () => Promise.all([development.close(), production.close()]));

const get = (app: TestApp, accept: string, method = 'GET') => app.fetch(new Request('http://cardql.test/', { method, headers: { accept } }));

describe('GET / in development', () => {
  it('shows a browser a page linking to the preview and GraphiQL', async () => {
    const response = await get(development, 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<a href="/preview">');
    expect(page).toContain('<a href="/graphql">');
  });

  it('answers anything that is not a browser with the same links as JSON', async () => {
    const response = await get(development, 'application/json');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ service: 'cardql', preview: '/preview', graphiql: { local: '/graphql' }, cards: '/cards' });
  });

  it('refuses other methods with JSON saying which are allowed', async () => {
    const response = await get(development, 'application/json', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('GET / in production', () => {
  it('is not a route: a JSON 404 naming the card endpoint', async () => {
    const response = await get(production, 'text/html');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/POST \/cards/);
  });
});
