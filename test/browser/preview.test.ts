// The card preview in Debian's chromium: the demo customer's real cards, then a card with every component.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Card } from '../../src/plain/cards-response.ts';
import { DEMO_TENANTS, DEMO_THREADS } from '../../src/demo/seed/seed.ts';
import { ALEX } from '../support/app.ts';
import { BROWSER_TEST, ARTIFACTS, launchBrowser, rgb, serve, skipBrowserTests, type Browser, type Served } from './support/browser.ts';

/** Plain's badge colours from spec section 6: background, border, dot, label. */
const BADGES = [
  ['GREY', '#f2f3f5', '#dfe1e9', '#5b617a', '#393f55'],
  ['YELLOW', '#fef1da', '#f5d9ab', '#c78800', '#794900'],
  ['GREEN', '#e4fcf5', '#9eeed3', '#4bb38b', '#24674c'],
  ['BLUE', '#f0f4fc', '#b8c9ef', '#5c78b8', '#253c73'],
  ['RED', '#fae6e7', '#f3cecd', '#cf6e62', '#8a3524'],
] as const;

const TEXT_COLORS = [
  ['NORMAL', '#161a26'],
  ['MUTED', '#8a8c92'],
  ['SUCCESS', '#24674c'],
  ['WARNING', '#cc5f00'],
  ['ERROR', '#b81d14'],
] as const;

const TEXT_SIZES = [
  ['S', '12px'],
  ['M', '14px'],
  ['L', '16px'],
] as const;

const SPACINGS = [
  ['XS', 4],
  ['S', 8],
  ['M', 16],
  ['L', 24],
  ['XL', 32],
] as const;

/** Computed style properties of the first element a locator matches. */
function styleOf(locator: Locator, properties: string[]): Promise<Record<string, string>> {
  return locator.first().evaluate((element, names) => {
    const style = getComputedStyle(element);
    return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
  }, properties);
}

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`no box for ${locator.toString()}`);
  return { ...found, right: found.x + found.width, middle: found.y + found.height / 2 };
}

/** Fills the form like a person and waits for one result section per checked card. */
async function loadCards(page: Page, baseUrl: string, email: string, expected: number): Promise<void> {
  await page.goto(`${baseUrl}/preview`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Load cards' }).click();
  await page.locator('.preview-card').nth(expected - 1).waitFor();
}

const card = (page: Page, key: string) => page.locator(`.preview-card[data-key="${key}"]`);

describe.skipIf(skipBrowserTests)('the preview of the demo customer in chromium', BROWSER_TEST, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await serve();
    browser = await launchBrowser();
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });
    await loadCards(page, served.url, ALEX.email, served.app.registry.size);
    await page.screenshot({ path: `${ARTIFACTS}/preview-alex.png`, fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('shows every registered card, each through the real pipeline, fetching nothing from outside cardql', async () => {
    const keys = await page.locator('.preview-card').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-key')));
    expect(keys).toEqual([...served.app.registry.keys()]);
    const outcomes = await page.locator('.preview-card').evaluateAll((sections) => Object.fromEntries(sections.map((s) => [s.getAttribute('data-key'), s.getAttribute('data-outcome')])));
    // Outside a thread the tenant card has no data (Plain hides it); every other card has some.
    expect(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'ok')).toEqual([['tenant-account', 'no-data']]);
    expect(browser.blocked).toEqual([]);
    expect(browser.errors).toEqual([]);
  });

  it('shows beside each card the JSON Plain would receive, its TTL and its duration', async () => {
    const { results } = await served.app.resolve({ cardKeys: [...served.app.registry.keys()], customer: ALEX, thread: null, tenant: null });
    for (const result of results) {
      const section = card(page, result.key);
      const shown = Card.parse(JSON.parse(await section.locator('.json pre').innerText()));
      expect(shown).toEqual(result.card);
      expect(await section.locator('[data-fact="ttl"]').innerText()).toMatch(new RegExp(`^${result.card.timeToLiveSeconds} s`));
      expect(await section.locator('[data-fact="duration"]').innerText()).toMatch(/^\d+(\.\d+)? ms$/);
    }
  });

  it('draws the card chrome: the key as title, a white card with 24 px padding on an off-white panel', async () => {
    const section = card(page, 'usage');
    expect(await section.locator('.plain-card-title').innerText()).toBe('usage');
    expect(await styleOf(section.locator('.plain-card'), ['background-color', 'padding-top', 'padding-left'])).toEqual({
      'background-color': rgb('#ffffff'),
      'padding-top': '24px',
      'padding-left': '24px',
    });
    const panel = (await styleOf(section.locator('.plain-panel'), ['background-color']))['background-color'];
    expect(panel).not.toBe(rgb('#ffffff'));
    expect(panel).toMatch(/^rgb\((2[3-5]\d), (2[3-5]\d), (2[3-5]\d)\)$/);
  });

  it.each(BADGES)('paints a %s badge with Plain’s background, border, dot and label colours', async (color, background, border, dot, label) => {
    const badge = page.locator(`.pc-badge-${color}`).first();
    expect(await styleOf(badge, ['background-color', 'border-top-color', 'border-top-width', 'color', 'height'])).toEqual({
      'background-color': rgb(background),
      'border-top-color': rgb(border),
      'border-top-width': '1px',
      color: rgb(label),
      height: '24px',
    });
    expect(await styleOf(badge.locator('.pc-badge-dot'), ['background-color', 'width', 'height'])).toEqual({ 'background-color': rgb(dot), width: '8px', height: '8px' });
    expect(await styleOf(badge.locator('.pc-badge-label'), ['font-size'])).toEqual({ 'font-size': '13px' });
    const [dotBox, labelBox] = [await box(badge.locator('.pc-badge-dot')), await box(badge.locator('.pc-badge-label'))];
    expect(dotBox.right).toBeLessThan(labelBox.x);
  });

  it.each(TEXT_COLORS.filter(([color]) => ['NORMAL', 'MUTED', 'ERROR'].includes(color)))('colours %s text %s', async (color, hex) => {
    expect(await styleOf(page.locator(`.pc-color-${color}`), ['color'])).toEqual({ color: rgb(hex) });
  });

  it.each(TEXT_SIZES.filter(([size]) => size !== 'L'))('sizes %s text at %s', async (size, px) => {
    expect(await styleOf(page.locator(`.pc-text.pc-size-${size}`), ['font-size'])).toEqual({ 'font-size': px });
  });

  it('lays a row out with its main content on the left and its aside on the right, vertically centred', async () => {
    const row = card(page, 'recent-orders').locator('.pc-row').first();
    const [rowBox, main, aside] = [await box(row), await box(row.locator('.pc-row-main')), await box(row.locator('.pc-row-aside'))];
    expect(main.x).toBeCloseTo(rowBox.x, 0);
    expect(aside.right).toBeCloseTo(rowBox.right, 0);
    expect(main.right).toBeLessThanOrEqual(aside.x);
    expect(Math.abs(main.middle - aside.middle)).toBeLessThanOrEqual(1);
    // Several leaves in an aside stack, each flush right.
    const totals = card(page, 'recent-orders').locator('.pc-row-aside').filter({ has: page.locator('.pc-text + .pc-text') }).first();
    const leaves = await totals.locator('.pc-text').all();
    const rights = await Promise.all(leaves.map(async (leaf) => (await box(leaf)).right));
    expect(rights.length).toBeGreaterThan(1);
    for (const right of rights) expect(right).toBeCloseTo((await box(totals)).right, 0);
  });

  it('draws a container as a white box with a 1 px #f2f2f2 border, 6 px radius and 16 px padding', async () => {
    expect(await styleOf(card(page, 'recent-orders').locator('.pc-container'), ['background-color', 'border-top-width', 'border-top-style', 'border-top-color', 'border-top-left-radius', 'padding-top', 'padding-left'])).toEqual({
      'background-color': rgb('#ffffff'),
      'border-top-width': '1px',
      'border-top-style': 'solid',
      'border-top-color': rgb('#f2f2f2'),
      'border-top-left-radius': '6px',
      'padding-top': '16px',
      'padding-left': '16px',
    });
  });

  it('draws a link button as a white 32 px button with a #dfe1e9 border that opens its URL in a new tab', async () => {
    const link = page.locator('a.pc-link-button').first();
    expect(await styleOf(link, ['background-color', 'border-top-color', 'border-top-width', 'border-top-left-radius', 'height', 'padding-left', 'font-size', 'font-weight'])).toEqual({
      'background-color': rgb('#ffffff'),
      'border-top-color': rgb('#dfe1e9'),
      'border-top-width': '1px',
      'border-top-left-radius': '5px',
      height: '32px',
      'padding-left': '12px',
      'font-size': '14px',
      'font-weight': '600',
    });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('href')).toMatch(/^https:\/\//);
  });

  it('draws a divider as a 1 px #dddddd line with its spacing above and below', async () => {
    const divider = card(page, 'recent-orders').locator('.pc-divider.pc-spacing-M').first();
    expect(await styleOf(divider.locator('hr'), ['border-top-width', 'border-top-style', 'border-top-color'])).toEqual({ 'border-top-width': '1px', 'border-top-style': 'solid', 'border-top-color': rgb('#dddddd') });
    const [line, around] = [await box(divider.locator('hr')), await box(divider)];
    expect(line.height).toBe(1);
    expect([line.y - around.y, around.y + around.height - (line.y + line.height)]).toEqual([16, 16]);
  });

  it('draws a spacer at its size’s height', async () => {
    expect((await box(card(page, 'recent-orders').locator('.pc-spacer.pc-spacing-S').first())).height).toBe(8);
  });

  it('copies a copy button’s value, whose tooltip is its label', async () => {
    const copy = page.locator('.pc-copy-button').first();
    const value = await copy.getAttribute('data-copy-value');
    expect(value).toBeTruthy();
    expect(await copy.getAttribute('title')).toBeTruthy();
    await copy.click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(value);
  });

  it("offers the customer's threads: picking one runs the cards on it and its tenant, as Plain would send them", async () => {
    const picker = page.locator('#thread-picker');
    await picker.selectOption({ label: `Where is my order? · ${DEMO_THREADS.alexShipping}` });
    await card(page, 'tenant-account').and(page.locator('[data-outcome="ok"]')).waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Tenant id').inputValue()).toBe(DEMO_TENANTS.grocery);
    const request = JSON.parse(await page.locator('.request pre').textContent() ?? 'null') as { thread: unknown; tenant: unknown };
    expect(request).toMatchObject({ thread: { id: DEMO_THREADS.alexShipping, externalId: expect.any(String) }, tenant: { id: DEMO_TENANTS.grocery, externalId: expect.any(String) } });
    expect(await card(page, 'thread-context').locator('.plain-card-body').innerText()).toMatch(/Where is my order\?[\s\S]*Order #ORD-\d+[\s\S]*Track shipment/);
    expect(await card(page, 'tenant-account').locator('.plain-card-body').innerText()).toMatch(/Workspace\s+Grocery Co[\s\S]*Account manager\s+Jordan Lee/);
    await page.screenshot({ path: `${ARTIFACTS}/preview-alex-thread.png`, fullPage: true });
    // Back outside a thread, as the other tests expect.
    await picker.selectOption('');
    await card(page, 'tenant-account').and(page.locator('[data-outcome="no-data"]')).waitFor({ timeout: 20_000 });
  }, 60_000);

  it('reloads one card on its reload button, leaving the others alone', async () => {
    const before = await page.locator('.preview-card').count();
    const reload = page.waitForResponse((response) => response.url().endsWith('/preview/api/cards'));
    await card(page, 'usage').getByRole('button', { name: 'Reload usage' }).click();
    const body = (await (await reload).request().postDataJSON()) as { cardKeys: string[] };
    expect(body.cardKeys).toEqual(['usage']);
    await card(page, 'usage').waitFor();
    expect(await page.locator('.preview-card').count()).toBe(before);
  });
});

describe.skipIf(skipBrowserTests)('the preview of a card using every component in chromium', BROWSER_TEST, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await serve({ CARDQL_QUERIES_DIR: 'test/browser/fixtures/queries', CARDQL_CARDS_DIR: 'test/browser/fixtures/mappers' });
    browser = await launchBrowser();
    page = browser.page;
    await loadCards(page, served.url, ALEX.email, served.app.registry.size);
    await page.screenshot({ path: `${ARTIFACTS}/preview-every-component.png`, fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it.each(TEXT_COLORS)('colours %s text %s', async (color, hex) => {
    expect(await styleOf(card(page, 'kitchen-sink').locator(`.pc-text.pc-color-${color}`), ['color'])).toEqual({ color: rgb(hex) });
  });

  it.each(TEXT_SIZES)('sizes %s text at %s', async (size, px) => {
    expect(await styleOf(card(page, 'kitchen-sink').locator(`.pc-text.pc-size-${size}`), ['font-size'])).toEqual({ 'font-size': px });
  });

  it.each(SPACINGS)('spaces size %s at %i px, as a spacer and above and below a divider’s line', async (size, px) => {
    const sink = card(page, 'kitchen-sink');
    expect((await box(sink.locator(`.pc-spacer.pc-spacing-${size}`).first())).height).toBe(px);
    const divider = sink.locator(`.pc-divider.pc-spacing-${size}`).first();
    const [line, around] = [await box(divider.locator('hr')), await box(divider)];
    expect([line.y - around.y, line.height, around.y + around.height - (line.y + line.height)]).toEqual([px, 1, px]);
  });

  it('keeps a row label\'s words whole beside a long value, which wraps instead', async () => {
    const labels = card(page, 'long-values').locator('.pc-row-main .pc-text');
    const [short, long, unbroken] = [await box(labels.nth(0)), await box(labels.nth(1)), await box(labels.nth(2))];
    expect(long.height).toBe(short.height); // "Description" on one line, not "Descript / ion"
    expect(long.width).toBe(short.width);
    expect(unbroken.height).toBe(short.height); // even beside one unbroken 120-character value
  });

  it('renders markdown bold, italic and links in text, links in Plain’s blue and semibold', async () => {
    const first = card(page, 'kitchen-sink').locator('.pc-text').first();
    expect(await first.locator('strong').innerText()).toBe('Alex Johnson');
    expect(await first.locator('em').innerText()).toBe('important');
    const link = first.locator('a.pc-link');
    expect(await link.getAttribute('href')).toBe('https://example.com/docs');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await styleOf(link, ['color', 'font-weight'])).toEqual({ color: rgb('#0c56e4'), 'font-weight': '600' });
  });

  it('shows strings that look like HTML or markdown literally, never as markup', async () => {
    const sink = card(page, 'kitchen-sink');
    expect(await sink.locator('.pc-plain-text').innerText()).toBe('**not bold** <img src=x id=injected onerror="document.body.dataset.pwned=1">');
    expect(await sink.locator('.pc-plain-text strong').count()).toBe(0);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
  });

  it('draws a workflow button like a link button, naming its workflow', async () => {
    const button = card(page, 'kitchen-sink').locator('.pc-workflow-button');
    expect(await button.innerText()).toBe('Refund last order');
    expect(await button.getAttribute('data-workflow-id')).toBe('wf_refund');
    expect(await styleOf(button, ['background-color', 'border-top-color', 'height', 'font-weight'])).toEqual({
      'background-color': rgb('#ffffff'),
      'border-top-color': rgb('#dfe1e9'),
      height: '32px',
      'font-weight': '600',
    });
  });

  it('shows a failed card as Plain would, with its reference and, for the author only, the cause', async () => {
    const broken = card(page, 'broken');
    expect(await broken.getAttribute('data-outcome')).toBe('error');
    const reference = await broken.locator('[data-fact="reference"]').innerText();
    expect(reference).toMatch(/^[0-9a-f]{8}$/);
    expect(await broken.locator('.plain-card-body').innerText()).toContain(`Reference: ${reference}`);
    expect(await broken.locator('.error-cause').innerText()).toContain('this mapper always throws');
  });

  it('says so when a card has no data, which Plain does not display', async () => {
    const hidden = card(page, 'hidden');
    expect(await hidden.getAttribute('data-outcome')).toBe('no-data');
    expect(await hidden.locator('.hidden-note').innerText()).toContain('components: null');
    expect(await hidden.locator('[data-fact="ttl"]').innerText()).toMatch(/^null/);
  });

  it('says what is missing when the form names no customer, and runs nothing', async () => {
    const fresh = await browser.context.newPage();
    let calls = 0;
    fresh.on('request', (request) => void (request.url().endsWith('/preview/api/cards') && calls++));
    await fresh.goto(`${served.url}/preview`);
    await fresh.getByRole('button', { name: 'Load cards' }).click();
    expect(await fresh.locator('#form-error').innerText()).toBe('Enter the customer’s email, external id or Plain customer id.');
    expect(calls).toBe(0);
    await fresh.close();
  });

  it('keeps the form in the URL fragment, so that a reload shows the same cards', async () => {
    const fresh = await browser.context.newPage();
    await fresh.goto(`${served.url}/preview#externalId=${ALEX.externalId}&cards=hidden,broken`);
    await fresh.locator('.preview-card').nth(1).waitFor();
    expect(await fresh.getByLabel('External id').inputValue()).toBe(ALEX.externalId);
    expect(await fresh.locator('.preview-card').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-key')))).toEqual(['broken', 'hidden']);
    expect(await fresh.locator('input[name="cardKeys"]:checked').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual(['broken', 'hidden']);
    await fresh.close();
  });

  it('fetched nothing from outside cardql and logged no error', () => {
    expect(browser.blocked).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
