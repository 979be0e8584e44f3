import { Locator, Page, expect } from '@playwright/test';

/** The page waits on the server for a change (long polling): an update shows within a second or two. */
const LIVE = { timeout: 25_000 };

/** 办件进度 (`/track/{number}`) and 我的办件 (`/track/`). */
export class TrackPage {
  constructor(readonly page: Page) {}

  async open(number: string) {
    await this.page.goto(`/track/${number}`);
  }

  main(): Locator {
    return this.page.locator('main');
  }

  /** The status panel says `label` (waiting for the next poll if need be). */
  async expectStatus(label: string) {
    await expect(this.page.locator('.ot-panel__number').first()).toHaveText(label, LIVE);
  }

  todo(): Locator {
    return this.page.getByRole('region', { name: '您现在需要做' });
  }

  /** The row of one matter in 各部门办理情况. */
  matter(name: string): Locator {
    return this.page.locator('.ot-summary-list__row').filter({ has: this.page.locator('dt', { hasText: name }) });
  }

  timeline(): Locator {
    return this.page.locator('.ot-timeline');
  }

  async expectLive(text: string) {
    await expect(this.main()).toContainText(text, LIVE);
  }

  async rate(level: string, comment: string) {
    await this.page.getByRole('radio', { name: level, exact: true }).check();
    await this.page.getByLabel('意见和建议（选填，500 字以内）').fill(comment);
    await this.page.getByRole('button', { name: '提交评价' }).click();
  }

  /** 窗口办件码: the counter code section (its QR image, short code, buttons). */
  counter(): Locator {
    return this.page.getByRole('region', { name: '窗口办件码' });
  }

  /** The counter code's QR image (an `<img>`, so WeChat's long-press works on it). */
  counterQr(): Locator {
    return this.counter().getByRole('img', { name: '办件码二维码，长按可识别或保存' });
  }

  /** The lookup form of 我的办件 (or of a page this device cannot open yet). */
  async lookUp(factor: string, number?: string) {
    if (number) await this.page.getByLabel('申请编号').fill(number);
    await this.page.getByLabel('验证信息').fill(factor);
    await this.page.getByRole('button', { name: '查询', exact: true }).click();
  }
}
