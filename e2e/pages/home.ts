import { expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';

export class HomePage {
  readonly layout: Layout;
  readonly bundles: Locator;
  readonly matters: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.bundles = page.getByRole('region', { name: /一件事，一次办|Several services/ });
    this.matters = page.getByRole('region', { name: /单个事项|Single services/ });
  }

  async goto() {
    await this.page.goto('/');
    await expect(this.layout.heading).toHaveText(/办什么事？|What do you need to do\?/);
  }

  bundleLink(name: string): Locator {
    return this.bundles.getByRole('link', { name });
  }

  matterLink(name: string): Locator {
    return this.matters.getByRole('link', { name });
  }
}
