import { Browser, BrowserContext, expect, Locator, Page } from '@playwright/test';
import { STAFF_PASSWORD } from './staff';

/**
 * 工作人员端 (`/staff/`), in a browser: sign-in, the lists, one application and its decisions,
 * 整改. Locators by role and Chinese accessible name.
 */
export class StaffApp {
  readonly heading: Locator;
  readonly signOutButton: Locator;
  readonly errorSummary: Locator;
  readonly elderToggle: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.signOutButton = page.getByRole('button', { name: '退出登录' });
    this.errorSummary = page.getByRole('alert').filter({ hasText: '请修改以下问题' });
    this.elderToggle = page.getByRole('button', { name: '长辈模式' });
  }

  /** A new browser context signed in as `username` (each account its own cookies). */
  static async open(browser: Browser, username: string): Promise<{ context: BrowserContext; staff: StaffApp }> {
    const context = await browser.newContext();
    const staff = new StaffApp(await context.newPage());
    await staff.signIn(username);
    return { context, staff };
  }

  async signIn(username: string, password = STAFF_PASSWORD!) {
    if (!this.page.url().includes('/staff')) await this.page.goto('/staff/');
    await expect(this.heading).toHaveText('工作人员登录');
    await this.page.getByLabel('用户名', { exact: true }).fill(username);
    await this.page.getByLabel('密码', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(this.signOutButton).toBeVisible();
  }

  tabs(): Locator {
    return this.page.getByRole('navigation', { name: '办件分类' });
  }

  async openList(name: '待受理' | '办理中' | '已办结' | '已归档' | '全部') {
    await this.tabs().getByRole('link', { name, exact: true }).click();
    await expect(this.tabs().getByRole('link', { name, exact: true })).toHaveAttribute('aria-current', 'page');
  }

  /** The row of an application in the list shown. */
  row(number: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('link', { name: number, exact: true }) });
  }

  /**
   * The row of an application, turning pages (下一页) as a member of staff would: lists are
   * newest first, 20 a page, and other tests keep submitting while this one runs.
   */
  async findRow(number: string): Promise<Locator> {
    const row = this.row(number);
    const table = this.page.getByRole('table');
    const firstNumber = () => table.getByRole('rowheader').first().getByRole('link').textContent();
    for (let turned = 0; turned < 50; turned++) {
      await expect(table.or(this.page.getByText('这里还没有办件。'))).toBeVisible();
      if ((await row.count()) > 0) return row;
      const next = this.page.getByRole('link', { name: '下一页', exact: true });
      if ((await next.count()) === 0) break;
      const before = await firstNumber();
      await next.click();
      await expect.poll(firstNumber).not.toBe(before);
    }
    return row;
  }

  async openFromList(number: string) {
    await (await this.findRow(number)).getByRole('link', { name: number, exact: true }).click();
    await expect(this.heading).toHaveText(`办件 ${number}`);
  }

  async openApplication(number: string) {
    await this.page.goto(`/staff/a/${number}`);
  }

  /** 窗口核验: type (or let a USB scanner type) a counter code and look it up. */
  async lookUpCounter(text: string) {
    await this.page.getByRole('navigation', { name: '工作人员导航' }).getByRole('link', { name: '窗口核验' }).click();
    await expect(this.heading).toHaveText('窗口核验');
    const field = this.page.getByLabel('办件码', { exact: true });
    await expect(field).toBeFocused();
    await field.fill(text);
    await field.press('Enter');
  }

  /** One decision's form (受理, 不予受理, 寄出（EMS）…). */
  form(name: string): Locator {
    return this.page.getByRole('form', { name, exact: true });
  }

  /** A matter's block: 准予, 不予, 要求补正. */
  matter(name: string): Locator {
    return this.page.getByRole('region', { name: new RegExp(`^${name}（`) });
  }

  /** The message that says what was just done. */
  status(text: string | RegExp): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }

  /** A row of the facts at the top (状态, 是否超期…). */
  fact(name: string): Locator {
    return this.page.locator('.ot-summary-list__row').filter({ has: this.page.getByRole('term').filter({ hasText: name }) }).getByRole('definition');
  }
}
