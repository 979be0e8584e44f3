import { expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';

/** A bundle's or a matter's guide page. */
export class GuidePage {
  readonly layout: Layout;
  /** A bundle's member matters (包含事项). */
  readonly members: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.members = page.locator('ol').filter({ has: page.getByRole('link') }).first();
  }

  async gotoBundle(code: string) {
    await this.page.goto(`/bundles/${code}`);
    await this.layout.ready();
  }

  async gotoMatter(code: string) {
    await this.page.goto(`/matters/${code}`);
    await this.layout.ready();
  }

  /** The value shown for a fact such as 承诺时限 or 跑动次数. */
  fact(term: string): Locator {
    return this.page.locator('.ot-summary-list__row', { has: this.page.getByText(term, { exact: true }) }).locator('dd');
  }

  async expectTitle(name: string) {
    await expect(this.layout.heading).toHaveText(name);
    await expect(this.page).toHaveTitle(`${name} - 一次办`);
  }
}
