import { expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';

/** A stored one-time checklist (一次性告知单) at `/c/{id}`. */
export class ChecklistPage {
  readonly layout: Layout;
  readonly qr: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.qr = page.getByRole('img', { name: /告知单二维码|QR code of this checklist/ });
  }

  id(): string {
    const m = new URL(this.page.url()).pathname.match(/^\/c\/([0-9A-Z]{10})$/);
    return m ? m[1] : '';
  }

  async expectLoaded() {
    await expect(this.page).toHaveURL(/\/c\/[0-9A-Z]{10}$/);
    await expect(this.qr).toBeVisible();
  }

  /** The names of the materials under a group heading such as 必须提交. */
  async materials(group: string): Promise<string[]> {
    const section = this.page
      .locator('section')
      .filter({ has: this.page.getByRole('heading', { name: group, exact: true, level: 3 }) });
    if ((await section.count()) === 0) return [];
    return section.getByRole('heading', { level: 4 }).allInnerTexts();
  }
}
