// Real browser tests: Debian's chromium driven by playwright-core, against cardql listening on loopback.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerAdapter } from '@whatwg-node/server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../support/app.ts';

export const CHROMIUM = process.env.CARDQL_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots land here (gitignored): CI keeps the folder as test artifacts. */
export const ARTIFACTS = 'test-results/browser';

/**
 * Developers without chromium may opt out with CARDQL_SKIP_BROWSER_TESTS=1; CI (CI=true) never skips.
 * Anyone else gets a failure that says how to install it.
 */
export const skipBrowserTests = process.env.CARDQL_SKIP_BROWSER_TESTS === '1' && process.env.CI !== 'true';

/**
 * A bound for one browser test on a loaded machine (chromium's processes compete with the suite's):
 * it catches a hang, it measures nothing. Steps wait on events (a response, a state), not on time.
 */
export const BROWSER_TEST = { timeout: 90_000 };

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export type Browser = {
  page: Page;
  context: BrowserContext;
  /** Every request the page tried to send anywhere but 127.0.0.1 (each was aborted). */
  blocked: string[];
  /** Console errors and uncaught exceptions, CSP violations included. */
  errors: string[];
  close(): Promise<void>;
};

/** Chromium with a fresh profile, every non-loopback request aborted and recorded. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}, which is missing. Install it with ` +
        '`sudo apt-get update && sudo apt-get install -y chromium` (or `bash scripts/ensure-chromium.sh`), ' +
        'point CARDQL_CHROMIUM at another chromium binary, or set CARDQL_SKIP_BROWSER_TESTS=1 to skip these tests on this machine.',
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'cardql-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    page,
    context,
    blocked,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type Served = { app: TestApp; url: string; close(): Promise<void> };

/** The real app (in-memory demo data) behind node:http on 127.0.0.1, on a free port. */
export async function serve(env: Record<string, string> = {}): Promise<Served> {
  const app = await createTestApp(env);
  const server: Server = createServer(createServerAdapter((request: Request) => app.fetch(request)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    },
  };
}

/** `#161a26` → `rgb(22, 26, 38)`, the form computed styles come in. */
export function rgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
