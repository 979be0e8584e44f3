import { expect, Locator, Page } from '@playwright/test';

/** What every page has: header with display settings, main, footer with the hotline. */
export class Layout {
  readonly elderToggle: Locator;
  readonly englishToggle: Locator;
  readonly chineseToggle: Locator;
  readonly main: Locator;
  readonly hotline: Locator;
  readonly heading: Locator;

  constructor(readonly page: Page) {
    this.elderToggle = page.getByRole('button', { name: /长辈模式|Large text mode/ });
    this.englishToggle = page.getByRole('button', { name: 'English' });
    this.chineseToggle = page.getByRole('button', { name: '中文' });
    this.main = page.getByRole('main');
    this.hotline = page.getByRole('contentinfo').getByRole('link', { name: '12345' });
    this.heading = page.getByRole('heading', { level: 1 });
  }

  /**
   * The app has started. On the pages the server draws (home, guides, checklists, receipts)
   * it starts on the first sign of use, here a key pressed; elsewhere it starts at once.
   */
  async ready() {
    await this.page.keyboard.press('Shift');
    await this.page.waitForFunction(() => 'wasmBindings' in window, null, { timeout: 15_000 });
  }

  async setElderMode(on: boolean) {
    await this.ready();
    const pressed = (await this.elderToggle.getAttribute('aria-pressed')) === 'true';
    if (pressed !== on) await this.elderToggle.click();
    await expect(this.elderToggle).toHaveAttribute('aria-pressed', String(on));
  }

  /** The page fits the screen: no sideways scrolling on a phone. */
  async expectNoHorizontalScroll() {
    const overflow = await this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
  }
}

/** Hold the page's wasm back (a slow network) until the returned function is called. */
export async function holdApp(page: Page): Promise<() => void> {
  let arrive = () => {};
  const held = new Promise<void>((r) => (arrive = r));
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  return arrive;
}
