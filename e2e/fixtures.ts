import { test as base, expect, Browser, BrowserContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'fs';
import * as path from 'path';

/** Reports every write to localStorage or sessionStorage, as the app makes it. */
const STORAGE_SPY = `(() => {
  const set = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    try {
      const area = this === window.localStorage ? 'local' : 'session';
      window.__onetripStorageWrite && window.__onetripStorageWrite(area, String(k), String(v));
    } catch (e) {}
    return set.call(this, k, v);
  };
})();`;

/**
 * Every answer of our server must carry the security headers. With PRIVACY_DIR set (`cargo
 * xtask test` sets it), also every URL a test's browsers request,
 * every browser storage write and the cookies left are appended to a file there, for the scan
 * after the run (`crates/server/tests/pii_scan.rs`): no full ID or phone number may be in any.
 */
async function recordPrivacy(browser: Browser, context: BrowserContext, title: string, run: () => Promise<void>) {
  const dir = process.env.PRIVACY_DIR;
  const urls: string[] = [];
  const writes: string[][] = [];
  // Every answer of our server carries the security headers (crates/server/src/middleware.rs).
  const origin = new URL(process.env.BASE_URL ?? 'http://127.0.0.1:8080').origin;
  const unguarded: string[] = [];
  const contexts: BrowserContext[] = [];
  const watch = async (c: BrowserContext) => {
    contexts.push(c);
    c.on('request', (r) => urls.push(r.url()));
    c.on('response', (r) => {
      if (!r.url().startsWith(origin)) return;
      const h = r.headers();
      const missing = [
        ['x-content-type-options', 'nosniff'],
        ['referrer-policy', 'no-referrer'],
        ['x-frame-options', 'DENY'],
      ].filter(([k, v]) => h[k] !== v).map(([k]) => k);
      if (!(h['content-security-policy'] || '').includes("frame-ancestors 'none'")) missing.push('content-security-policy');
      if (missing.length > 0) unguarded.push(`${r.status()} ${r.url()}: ${missing.join(', ')}`);
    });
    if (!dir) return;
    await c.exposeBinding('__onetripStorageWrite', (_source, area: string, key: string, value: string) => {
      writes.push([area, key, value]);
    });
    await c.addInitScript(STORAGE_SPY);
  };
  await watch(context);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const c = await newContext(...args);
    await watch(c);
    return c;
  };
  try {
    await run();
  } finally {
    browser.newContext = newContext;
  }
  if (dir) {
    const cookies: string[] = [];
    for (const c of contexts) {
      try {
        for (const k of await c.cookies()) cookies.push(`${k.name}=${k.value}`);
      } catch {
        // Closed by the test already.
      }
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(
      path.join(dir, `${process.pid}.jsonl`),
      JSON.stringify({ test: title, urls, writes, cookies }) + '\n',
    );
  }
  expect(unguarded, 'responses without the security headers').toEqual([]);
}

/** Collects console errors and CSP violations: a page that logs one has a real problem. */
async function watchConsole(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** An axe WCAG 2.1 AA audit of a page as it is now; fails on any violation. */
async function auditPage(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

type Fixtures = {
  /** Records URLs, storage writes and cookies for the privacy scan (automatic). */
  privacy: void;
  /** Run an axe WCAG 2.1 AA audit of the current page and fail on any violation. */
  audit: (label: string) => Promise<void>;
  /** The same audit of another page (a second browser context: another staff account). */
  auditPage: (page: Page, label: string) => Promise<void>;
  consoleErrors: string[];
};

export const test = base.extend<Fixtures>({
  privacy: [
    async ({ browser, context }, use, testInfo) => {
      await recordPrivacy(browser, context, testInfo.titlePath.join(' › '), () => use());
    },
    { auto: true },
  ],
  consoleErrors: async ({ page }, use) => {
    const errors = await watchConsole(page);
    await use(errors);
    // Deliberately aborted requests (offline tests) log a failed load; nothing else may.
    const real = errors.filter((e) => !e.includes('net::ERR_FAILED') && !e.includes('Failed to load resource'));
    expect(real, 'console errors').toEqual([]);
  },
  audit: async ({ page }, use) => {
    await use((label: string) => auditPage(page, label));
  },
  auditPage: async ({}, use) => {
    await use(auditPage);
  },
});

export { expect };
