// GraphiQL at /graphql in Debian's chromium with every non-loopback request blocked: cardql serves all of it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX } from '../support/app.ts';
import { BROWSER_TEST, ARTIFACTS, launchBrowser, serve, skipBrowserTests, type Browser, type Served } from './support/browser.ts';

const QUERY = `{ customer(email: "${ALEX.email}") { fullName company { name } } }`;

/** The text of a Monaco editor, without the non-breaking spaces Monaco draws spaces with. */
async function editorText(page: Page, selector: string): Promise<string> {
  return (await page.locator(`${selector} .view-lines`).innerText()).replace(/\u00a0/g, ' ');
}

describe.skipIf(skipBrowserTests)('GraphiQL in chromium with no internet access', BROWSER_TEST, () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    served = await serve();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('runs a typed query against the in-process data, loading every file from cardql', async () => {
    const { page, context } = browser;
    const fetched = new Set<string>();
    context.on('request', (request) => fetched.add(new URL(request.url()).pathname));
    await page.goto(`${served.url}/graphql`);
    const editor = page.locator('.graphiql-query-editor .monaco-editor');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // insertText, not type: Monaco would close every bracket typed key by key a second time.
    await page.keyboard.insertText(QUERY);
    expect((await editorText(page, '.graphiql-query-editor')).trim()).toBe(QUERY);
    // GraphiQL takes an edit into its state 100 ms after the last keystroke (a debounce) and runs what its
    // state holds: a click before that runs the previous query, or nothing. Wait for the state, which
    // GraphiQL also persists, before clicking.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('graphiql:query')), { timeout: 30_000 }).toBe(QUERY);

    const answer = page.waitForResponse((response) => response.url().endsWith('/graphql') && response.request().method() === 'POST');
    await page.getByRole('button', { name: /Execute query/ }).click();
    expect((await answer).status()).toBe(200);
    await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 30_000 }).toContain('Alex Johnson');
    expect(JSON.parse(await editorText(page, '.graphiql-response'))).toEqual({ data: { customer: { fullName: 'Alex Johnson', company: { name: 'Grocery Co' } } } });
    await page.screenshot({ path: `${ARTIFACTS}/graphiql.png` });

    // GraphiQL's script, styles and Monaco's workers all came from cardql.
    for (const file of ['yoga-graphiql.js', 'graphiql.css', 'editor.worker.js', 'graphql.worker.js', 'json.worker.js']) expect(fetched).toContain(`/graphiql/${file}`);
    expect(browser.blocked).toEqual([]);
    expect(browser.errors).toEqual([]);
  });

  it('opens on a stored card query with ?card=<key>, and with every card as a tab', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${served.url}/graphql?card=plan-details`);
      const editor = page.locator('.graphiql-query-editor .monaco-editor');
      await editor.waitFor();
      await expect.poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 30_000 }).toContain('query PlanDetails($customerId: ID!, $email: String!, $externalId: ID)');
      const tabs = await page.locator('.graphiql-tab').allInnerTexts();
      expect(tabs.length).toBeGreaterThanOrEqual(9); // the nine demo cards
      for (const name of ['CustomerDetails', 'LatestInvoice', 'RecentOrders', 'Usage', 'ThreadContext', 'TenantAccount']) expect(tabs.join(' ')).toContain(name);
    } finally {
      await page.close();
    }
  });
});
