import { APIRequestContext, expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';
import { MaterialsPage } from './materials';

/** The typical 企业开办 situation: a limited company with staff and a bank account, the legal
 * representative a shareholder who is also the tax officer. */
export const STARTUP_ANSWERS = {
  has_employees: 'yes',
  open_bank_account: 'yes',
  company_type: 'limited',
  rep_is_shareholder: 'yes',
  premises: 'rented',
  tax_officer: 'legal_rep',
};

/** Seed data: a one-time checklist made through the public API, the way the questions page
 * makes one. Returns its id; `/apply/c/{id}` starts an application from it. */
export async function seedChecklist(request: APIRequestContext, answers = STARTUP_ANSWERS): Promise<string> {
  const res = await request.post('/api/v1/checklists', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: { subject: { kind: 'bundle', code: 'company-startup' }, answers },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

/** A shareholder as the form asks for one. */
export type Shareholder = {
  name: string;
  idType?: string;
  id: string;
  share: string;
  capital: string;
  paidBy: string;
  legalRep: boolean;
};

/** The application flow (一表登记) under `/apply/`: one section per page, found by role and
 * Chinese label. */
export class ApplyFlow {
  readonly layout: Layout;
  readonly continueButton: Locator;
  readonly errorSummary: Locator;
  readonly step: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.continueButton = page.getByRole('button', { name: '继续', exact: true });
    this.errorSummary = page.getByRole('alert').filter({ hasText: '请修改以下问题' });
    this.step = page.locator('.ot-caption').first();
  }

  /** The privacy notice, both consents, and the first section. */
  async start(checklistId: string) {
    await this.page.goto(`/apply/c/${checklistId}`);
    await expect(this.layout.heading).toHaveText('个人信息处理规则');
    await this.page.getByRole('checkbox', { name: '我已阅读并同意《个人信息处理规则》' }).check();
    await this.page.getByRole('checkbox', { name: /我单独同意处理我的敏感个人信息/ }).check();
    await this.page.getByRole('button', { name: '同意并开始填写' }).click();
    await this.expectSection('企业基本信息');
  }

  async expectSection(title: string) {
    await expect(this.layout.heading).toHaveText(title);
  }

  /** The top of a step as drawn: the caption, 全部步骤, the heading, the hint or help after it
   * (and on the review, what one form saves),
   * each with its words and where it stands. */
  async top(): Promise<string[]> {
    return this.page.locator('main').evaluate((main) =>
      [...main.querySelectorAll(':scope > .ot-caption, :scope > .ot-steps, :scope > h1, :scope > h1 + p, :scope > h1 + p + div.ot-notice')].map((e) => {
        const box = e.getBoundingClientRect();
        return `${e.tagName}.${e.className} ${e.textContent} @${Math.round(box.top)}+${Math.round(box.height)}`;
      }),
    );
  }

  /** A row of a group (`第 2 位`), or the whole page. */
  scope(row?: number): Page | Locator {
    return row ? this.page.getByRole('group', { name: `第 ${row} 位`, exact: true }) : this.page;
  }

  field(label: string, row?: number): Locator {
    return this.scope(row).getByLabel(label, { exact: true });
  }

  async fill(label: string, value: string, row?: number) {
    await this.field(label, row).fill(value);
  }

  async choose(group: string, option: string, row?: number) {
    await this.scope(row).getByRole('group', { name: group, exact: true }).getByRole('radio', { name: option, exact: true }).check();
  }

  async next() {
    await this.continueButton.click();
  }

  /** The texts of the error summary's links. */
  async errors(): Promise<string[]> {
    await expect(this.errorSummary).toBeFocused();
    return this.errorSummary.getByRole('link').allInnerTexts();
  }

  async expectError(text: string | RegExp) {
    await expect(this.errorSummary.getByRole('link', { name: text })).toBeVisible();
  }

  async company() {
    await this.fill('企业名称', '杭州市云帆信息科技有限公司');
    // 企业类型 was answered by a situational question: prefilled, not skipped.
    await expect(this.page.getByRole('radio', { name: '有限责任公司', exact: true })).toBeChecked();
    await this.fill('住所（经营场所）', '杭州市上城区解放路 1 号 301 室');
    await this.fill('注册资本（出资额）', '1000000');
    await this.fill('经营范围', '软件开发；信息技术咨询服务');
    await this.fill('职工人数', '5');
  }

  /** From the checklist to 法定代表人: the company, then 张三 and 李四 as shareholders. */
  async toLegalRep(checklistId: string) {
    await this.start(checklistId);
    await this.company();
    await this.next();
    await this.shareholder(1, ZHANG);
    await this.shareholder(2, LI);
    await this.next();
    await this.expectSection('法定代表人');
  }

  async shareholder(row: number, s: Shareholder) {
    if (row > 1 && (await this.scope(row).count()) === 0) {
      await this.page.getByRole('button', { name: '再添加一位' }).click();
    }
    await this.fill('股东（投资人）姓名', s.name, row);
    await this.choose('证件类型', s.idType ?? '居民身份证', row);
    await this.fill('证件号码', s.id, row);
    await this.fill('持股比例', s.share, row);
    await this.fill('认缴出资额', s.capital, row);
    await this.fill('出资期限', s.paidBy, row);
    await this.choose('担任法定代表人', s.legalRep ? '是' : '否', row);
  }

  /** Every section after the shareholders, with good answers, up to the review page; `audit`
   * (axe) runs on each page when given. The documents are a good set unless `materials` gives
   * them otherwise. */
  /** 银行开户: the bank (a select), the district, then the branch (a radio named by bank and
   * branch); the account type keeps its default (基本存款账户). */
  async chooseBank(bank: string, district: string, branch: string) {
    await this.field('开户银行').selectOption({ label: bank });
    await this.page.getByLabel('网点所在区县').selectOption({ label: district });
    await this.page.getByRole('radio', { name: new RegExp(`^${bank} ${branch}`) }).check();
    await expect(this.page.getByRole('radio', { name: /^基本存款账户/ })).toBeChecked();
  }

  async restOfForm(
    audit?: (label: string) => Promise<void>,
    materials?: (m: MaterialsPage) => Promise<void>,
    bank: [string, string, string] = ['中国工商银行', '上城区', '上城支行'],
  ) {
    const check = async (title: string) => {
      await this.expectSection(title);
      if (audit) await audit(title);
    };
    await check('法定代表人');
    await expect(this.field('法定代表人（负责人）姓名')).toHaveValue('张三');
    await this.fill('法定代表人手机号码', '13812345678');
    await this.next();
    await check('印章刻制');
    await this.fill('刻章企业', '杭州市上城区诚信刻章店');
    await this.next();
    await check('发票申领');
    await this.choose('申领发票种类', '数电发票（全面数字化的电子发票）');
    await this.next();
    await check('银行开户');
    await this.chooseBank(...bank);
    await this.next();
    await check('员工参保');
    await this.fill('首次参保（缴存）月份', '2026-12-01');
    await this.next();
    await check('住房公积金');
    await this.fill('公积金缴存比例', '12');
    await this.next();
    await check('申请人（经办人）');
    // The applicant is the legal representative: offered from what was given, changeable.
    await expect(this.field('申请人（经办人）姓名')).toHaveValue('张三');
    await expect(this.field('申请人手机号码')).toHaveValue('13812345678');
    await this.next();
    await check('领取方式');
    await this.choose('办好后，证照怎么给您？', '免费邮寄（EMS）');
    await this.fill('证照邮寄地址', '杭州市上城区解放路 1 号 301 室');
    await this.next();
    await this.expectSection('上传材料');
    const m = new MaterialsPage(this.page);
    await (materials ? materials(m) : m.goodSet());
    if (audit) await audit('上传材料');
    await this.next();
    await check('各部门的承诺');
    for (const box of await this.page.getByRole('checkbox', { name: /^我已阅读并同意.+的承诺$/ }).all()) {
      await box.check();
    }
    await this.next();
    await check('核对您填写的信息');
  }

  /** A new application from a seeded 企业开办 checklist, through the company and one
   * shareholder holding everything, to the legal representative's section. */
  async startSoleOwner(request: APIRequestContext) {
    await this.start(await seedChecklist(request));
    await this.company();
    await this.next();
    await this.shareholder(1, { ...ZHANG, share: '100', capital: '1000000' });
    await this.next();
  }

  /** A new application, then straight to its documents (the draft is in this tab's session). */
  async startAtMaterials(request: APIRequestContext) {
    await this.start(await seedChecklist(request));
    await this.page.goto('/apply/materials');
    await this.expectSection('上传材料');
  }

  submitButton(): Locator {
    return this.page.getByRole('button', { name: '确认无误，提交申请' });
  }
}

export const ADULT = '330106198001010021';
export const ADULT_2 = '330106198506150038';
/** Born 2010-01-01: under 18 until 2028. */
export const CHILD = '110101201001010015';
export const ZHANG: Shareholder = { name: '张三', id: ADULT, share: '60', capital: '600000', paidBy: '2030-06-30', legalRep: true };
export const LI: Shareholder = { name: '李四', id: ADULT_2, share: '40', capital: '400000', paidBy: '2030-06-30', legalRep: false };
