import { expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';

export class HomePage {
  readonly layout: Layout;
  readonly bundles: Locator;
  readonly popular: Locator;
  readonly searchBox: Locator;
  readonly searchButton: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.bundles = page.getByRole('region', { name: /一件事，一次办|Several services/ });
    this.popular = page.getByRole('region', { name: /常用事项|Most used/ });
    this.searchBox = page.getByRole('searchbox', { name: /搜索事项|Search for a service/ });
    this.searchButton = page.getByRole('button', { name: /^(搜索|Search)$/ });
  }

  async goto() {
    await this.page.goto('/');
    await expect(this.layout.heading).toHaveText(/办什么事？|What do you need to do\?/);
    await this.layout.ready();
  }

  async search(text: string) {
    await this.searchBox.fill(text);
    await this.searchButton.click();
  }

  bundleLink(name: string): Locator {
    return this.bundles.getByRole('link', { name });
  }
}
