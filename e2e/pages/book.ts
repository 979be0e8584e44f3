import { Locator, Page, expect } from '@playwright/test';

/** 窗口预约 (`/book/{matter}`) and its confirmation (`/book/b/{token}`). */
export class BookPage {
  constructor(readonly page: Page) {}

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** A day by its label, e.g. `11月24日`. */
  day(label: RegExp | string): Locator {
    return this.page.getByRole('group', { name: '日期' }).getByRole('radio', { name: label });
  }

  /** A time by its label, e.g. `09:00–09:30`. */
  time(label: RegExp | string): Locator {
    return this.page.getByRole('group', { name: '时段' }).getByRole('radio', { name: label });
  }

  async fillPerson(name: string, id: string, mobile: string) {
    await this.page.getByLabel('姓名', { exact: true }).fill(name);
    await this.page.getByLabel('居民身份证号码').fill(id);
    await this.page.getByLabel('手机号码').fill(mobile);
  }

  async submit() {
    await this.page.getByRole('button', { name: '确认预约' }).click();
  }

  /** A row of the confirmation's summary (时间, 地点, 状态…). */
  fact(name: string): Locator {
    return this.page.locator('.ot-summary-list__row').filter({ has: this.page.getByRole('term').filter({ hasText: name }) }).getByRole('definition');
  }

  checkinQr(): Locator {
    return this.page.getByRole('img', { name: '签到二维码，长按可识别或保存' });
  }

  async cancel() {
    await this.page.getByRole('button', { name: '取消预约' }).click();
    await this.page.getByRole('button', { name: '确认取消' }).click();
    await expect(this.heading()).toHaveText('预约已取消');
  }
}
