import { Locator, Page } from '@playwright/test';

/** "这个页面对您有帮助吗？" in the footer of every page. */
export class FeedbackBox {
  readonly region: Locator;
  readonly yes: Locator;
  readonly no: Locator;
  readonly comment: Locator;
  readonly send: Locator;
  readonly errorSummary: Locator;
  readonly thanks: Locator;

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: '这个页面对您有帮助吗？' });
    this.yes = this.region.getByRole('button', { name: '有帮助', exact: true });
    this.no = this.region.getByRole('button', { name: '没有帮助' });
    this.comment = this.region.getByRole('textbox', { name: '哪里可以改进？（选填）' });
    this.send = this.region.getByRole('button', { name: '发送' });
    this.errorSummary = this.region.getByRole('alert');
    this.thanks = this.region.getByRole('status').filter({ hasText: '谢谢您的反馈' });
  }
}
