import { expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';

/** One situational question (情形引导) per page: a radio group and a continue button. */
export class QuestionPage {
  readonly layout: Layout;
  readonly question: Locator;
  readonly continueButton: Locator;
  readonly errorSummary: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.question = page.getByRole('main').getByRole('group');
    this.continueButton = page.getByRole('button', { name: /^(继续|Continue)$/ });
    this.errorSummary = page.getByRole('alert');
  }

  /** The question's key, from the address (`.../questions/{key}`). */
  key(): string {
    const m = new URL(this.page.url()).pathname.match(/\/questions\/([a-z0-9_]+)$/);
    return m ? m[1] : '';
  }

  options(): Locator {
    return this.page.getByRole('radio');
  }

  async choose(label: string) {
    await this.page.getByRole('radio', { name: label, exact: true }).check();
    await this.continueButton.click();
  }

  async expectOnQuestion(text: string) {
    await expect(this.question).toBeVisible();
    await expect(this.layout.heading).toHaveText(text);
  }
}
