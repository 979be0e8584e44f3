import { test as base, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

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
  /** Run an axe WCAG 2.1 AA audit of the current page and fail on any violation. */
  audit: (label: string) => Promise<void>;
  /** The same audit of another page (a second browser context: another staff account). */
  auditPage: (page: Page, label: string) => Promise<void>;
  consoleErrors: string[];
};

export const test = base.extend<Fixtures>({
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
