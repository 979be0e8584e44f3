import { test, expect } from '../fixtures';
import { Browser, BrowserContext, Page, devices } from '@playwright/test';
import { ADULT, ApplyFlow, LI, STARTUP_ANSWERS, seedChecklist } from '../pages/apply';
import { ChecklistPage } from '../pages/checklist';
import { answerAll, questionnaire } from '../pages/questions';
import { readQr } from '../pages/qr';
import { indexInPrint, itemPages, readPdf, squash } from '../pages/pdf';
import { WECHAT_UA } from '../devices';

// 二维码送达: a QR code on a checklist, a receipt or a saved draft opens the same thing on any
// phone, signed out, in WeChat's browser too; it carries an address and nothing personal.

/** An 18-character resident ID number and an 11-digit mobile number, anywhere in a text. */
const ID_NUMBER = /\d{17}[\dXx]/;
const MOBILE = /1[3-9]\d{9}/;

/** The base address the server was started with (`PUBLIC_BASE_URL` equals it under `cargo
 * xtask test`), without a trailing slash. */
function base(): string {
  return String(test.info().project.use.baseURL ?? process.env.BASE_URL).replace(/\/$/, '');
}

/** Another phone, WeChat's browser on it, nobody signed in, nothing in its storage. */
async function weChatPhone(browser: Browser): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    userAgent: WECHAT_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return [context, await context.newPage()];
}

/** What a checklist page says, to compare two phones. */
async function checklistFacts(page: Page) {
  const main = page.getByRole('main');
  return {
    heading: await page.getByRole('heading', { level: 1 }).innerText(),
    materials: await main.getByRole('heading', { level: 4 }).allInnerTexts(),
  };
}

/** The 4-4-2 spacing the page prints a 10-character id with. */
function spaced(id: string): string {
  return id.replace(/(.{4})(.{4})(.{2})/, '$1 $2 $3');
}

const NEEDS = {
  critical: '必须提交',
  deferrable: '可以先办理，之后补交（容缺受理）',
  shared: '无需提交：政府部门已有',
};

test('a checklist made by answering the questions: its QR code opens it on another phone in WeChat @journey', async ({ page, request, browser }) => {
  const questions = await questionnaire(request, 'bundles/company-startup');
  await page.goto('/bundles/company-startup');
  await page.getByRole('link', { name: '回答问题，获取一次性告知单' }).click();
  const typical = STARTUP_ANSWERS as Record<string, string>;
  await answerAll(page, questions, (q) => q.option.find((o) => o.value === typical[q.key]) ?? q.option[0]);
  const checklist = new ChecklistPage(page);
  await checklist.expectLoaded();
  const id = checklist.id();

  // One QR code on the screen, how to use it, and the short code beside it.
  await expect(page.getByRole('img', { name: /二维码/ })).toHaveCount(1);
  const figure = page.getByRole('figure');
  await expect(figure.getByText('长按识别或保存', { exact: true })).toBeVisible();
  await expect(figure.getByText(spaced(id), { exact: true })).toBeVisible();

  // The code holds the checklist's address and nothing else.
  const text = await readQr(checklist.qr);
  expect(text).toBe(`${base()}/c/${id}`);
  expect(text).not.toMatch(ID_NUMBER);
  expect(text).not.toMatch(MOBILE);

  // Everything a person needs is on the page: what to bring, what may follow (容缺), what
  // is not needed, trips, time limits, where to go.
  const record = await (await request.get(`/api/v1/checklists/${id}`)).json();
  const needs = new Set(record.checklist.materials.map((m: { need: string }) => m.need));
  for (const [need, heading] of Object.entries(NEEDS)) {
    expect(needs.has(need), `this situation has materials that are ${need}`).toBe(true);
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  const facts = page.getByRole('main').getByRole('definition');
  await expect(page.getByRole('main').getByRole('term').filter({ hasText: /^跑动次数$/ })).toBeVisible();
  await expect(page.getByRole('main').getByRole('term').filter({ hasText: /^承诺时限$/ })).toBeVisible();
  await expect(facts.filter({ hasText: /^(最多跑一次|一次不用跑)$/ }).first()).toBeVisible();
  for (const m of record.checklist.matters) {
    await expect(page.getByText(new RegExp(`承诺时限：${m.promised_days} 个工作日（法定时限：${m.legal_days} 个工作日）`)).first()).toBeVisible();
  }
  const trip = record.checklist.matters.find((m: { trips: number }) => m.trips > 0);
  if (trip) {
    await expect(page.getByRole('heading', { name: '需要跑一次的事项' })).toBeVisible();
    await expect(page.getByRole('heading', { name: trip.name, level: 3 })).toBeVisible();
    if (trip.office) await expect(page.getByText(trip.office).first()).toBeVisible();
  } else {
    await expect(page.getByText('这些事项都可以网上办理，不用到现场。')).toBeVisible();
  }
  const here = await checklistFacts(page);
  expect(here.materials.length).toBeGreaterThan(3);

  // Scanned with WeChat on another phone: the same checklist, nobody signed in.
  const [context, phone] = await weChatPhone(browser);
  await phone.goto(text);
  await new ChecklistPage(phone).expectLoaded();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText(here.heading);
  expect(await checklistFacts(phone)).toEqual(here);
  // WeChat shares through its own menu.
  await expect(phone.getByText('点右上角「···」发送给朋友或分享到朋友圈')).toBeVisible();
  await expect(phone.getByRole('button', { name: /^(分享|复制链接)$/ })).toHaveCount(0);
  await context.close();
});

test('the checklist page passes the accessibility audit, in elder mode too, and shares its link @journey', async ({ page, request, audit, context }) => {
  const id = await seedChecklist(request);
  await page.goto(`/c/${id}`);
  const checklist = new ChecklistPage(page);
  await checklist.expectLoaded();
  await audit('checklist');
  await checklist.layout.setElderMode(true);
  await audit('checklist in elder mode');

  const url = `${base()}/c/${id}`;
  const status = page.getByRole('status').filter({ hasText: /链接已复制|链接已选中/ });
  if (await page.evaluate(() => navigator.userAgent.includes('MicroMessenger'))) {
    await expect(page.getByText('点右上角「···」发送给朋友或分享到朋友圈')).toBeVisible();
    await expect(page.getByRole('button', { name: /^(分享|复制链接)$/ })).toHaveCount(0);
    return;
  }
  // Headless Chromium on Linux has no share sheet: the link is copied, and the copy said.
  expect(await page.evaluate(() => 'share' in navigator)).toBe(false);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const copy = page.getByRole('button', { name: '复制链接', exact: true });
  const height = await copy.evaluate((b) => b.getBoundingClientRect().height);
  expect(height, 'elder mode: a 60 px control').toBeGreaterThanOrEqual(60);
  // By keyboard.
  await copy.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '链接已复制' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await checklist.layout.setElderMode(false);

  // Without a clipboard (an old engine): the link on the page is selected and copied the old
  // way, or left selected for the person to copy.
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    getSelection()?.removeAllRanges();
    document.querySelector('.ot-share__status')!.textContent = '';
  });
  await expect(status).toHaveCount(0);
  await copy.click();
  await expect(status).toBeVisible();
  expect(await page.evaluate(() => getSelection()?.toString())).toBe(url);
});

test('the printed checklist: A4 and an 80 mm receipt printer, only the document, nothing cut, the QR code on page 1 @journey', async ({ page, request }) => {
  const id = await seedChecklist(request);
  await page.goto(`/c/${id}`);
  await new ChecklistPage(page).expectLoaded();
  // The items a page break must not cut, in document order, and their text.
  const found = await page.locator('.ot-doc').evaluate((doc) =>
    Array.from(doc.querySelectorAll('.ot-material, .ot-inset, .ot-link-list__item, .ot-summary-list__row')).map((e) => ({
      text: (e as HTMLElement).innerText.replace(/\s+/g, ''),
      material: e.classList.contains('ot-material'),
    })),
  );
  const items = found.map((f) => f.text);
  expect(found.filter((f) => f.material).length).toBeGreaterThan(5);

  // In print the QR code is about 42 mm wide (160 CSS px), readable from paper, within 80 mm.
  await page.emulateMedia({ media: 'print' });
  const printed = await page.getByRole('img', { name: /告知单二维码/ }).evaluate((img) => img.getBoundingClientRect().width);
  expect(printed).toBeGreaterThan(40 * 3.78);
  expect(printed).toBeLessThan(46 * 3.78);
  await page.emulateMedia({ media: null });

  for (const paper of [{ format: 'A4' }, { width: '80mm' }]) {
    const label = JSON.stringify(paper);
    const pages = await readPdf(await page.pdf({ ...paper, printBackground: true }));
    expect(pages.length, label).toBeGreaterThan(paper.format ? 0 : 2);
    const all = pages.map((p) => p.text).join('');
    // Only the document: no header, settings, skip link, buttons, share, feedback or footer.
    for (const control of ['跳到主要内容', '长辈模式', 'English', '办事最多跑一次', '打印告知单', '复制链接', '分享', '在线申请', '重新回答', '这个页面对您有帮助吗', '政务服务热线']) {
      expect(indexInPrint(all, squash(control)), `${label}: ${control} printed in ${all}`).toBe(-1);
    }
    // The QR code (the only image) and its short code are on the first page.
    expect(pages[0].images, `${label}: QR image on page 1`).toBe(1);
    expect(pages.slice(1).every((p) => p.images === 0), label).toBe(true);
    expect(indexInPrint(pages[0].text, squash(`告知单编号${spaced(id)}`)), label).toBeGreaterThanOrEqual(0);
    expect(indexInPrint(pages[0].text, '长按识别或保存'), label).toBeGreaterThanOrEqual(0);
    // No material, matter, trip or summary row is cut across a page break.
    const where = itemPages(pages, items);
    expect(where.length).toBe(items.length);
    const cut = where.filter((w) => w.first !== w.last);
    expect(cut, `${label}: items across pages`).toEqual([]);
    // The receipt printer's narrow paper breaks the list somewhere: the check had pages to see.
    if (!paper.format) expect(new Set(where.filter((_, n) => found[n].material).map((w) => w.first)).size).toBeGreaterThan(1);
  }
});

test('a saved draft\'s QR code opens it on another phone in WeChat with the ID number\'s last six @journey', async ({ page, request, browser }) => {
  test.setTimeout(120_000); // a dozen form pages before the save
  const flow = new ApplyFlow(page);
  await flow.toLegalRep(await seedChecklist(request));
  await page.getByRole('link', { name: '保存并稍后继续' }).click();
  await expect(flow.layout.heading).toHaveText('保存并稍后继续');

  const qr = page.getByRole('img', { name: '续填链接二维码' });
  await expect(page.getByRole('img', { name: /二维码/ })).toHaveCount(1);
  const figure = page.getByRole('figure');
  await expect(figure.getByText('长按识别或保存', { exact: true })).toBeVisible();
  const text = await readQr(qr);
  // The resume link: the token, printed beside the code for typing, and nothing personal.
  const token = text.match(/^(.+)\/apply\/resume\/([0-9A-Z]{22})$/);
  expect(token?.[1]).toBe(base());
  await expect(figure.getByText(token![2].replace(/(.{4})(?=.)/g, '$1 '), { exact: true })).toBeVisible();
  expect(text).not.toMatch(ID_NUMBER);
  expect(text).not.toMatch(MOBILE);

  const [context, phone] = await weChatPhone(browser);
  const second = new ApplyFlow(phone);
  await phone.goto(text);
  await expect(second.layout.heading).toHaveText('继续填写申请');
  const factor = phone.getByLabel('身份证号码后 6 位，或您设置的 6 位密码');
  await factor.fill(LI.id.slice(-6)); // another shareholder's: not the one that opens it
  await phone.getByRole('button', { name: '打开草稿' }).click();
  await expect(phone.getByRole('alert').filter({ hasText: '验证信息不对' })).toBeVisible();
  await second.expectSection('继续填写申请');
  await factor.fill(ADULT.slice(-6));
  await phone.getByRole('button', { name: '打开草稿' }).click();
  await second.expectSection('法定代表人');
  await expect(second.field('法定代表人（负责人）姓名')).toHaveValue('张三');
  await phone.getByText('全部步骤').click();
  await phone.getByRole('link', { name: '企业基本信息' }).click();
  await expect(second.field('企业名称')).toHaveValue('杭州市云帆信息科技有限公司');
  await phone.getByText('全部步骤').click();
  await phone.getByRole('link', { name: '股东（投资人）' }).click();
  await expect(second.field('股东（投资人）姓名', 2)).toHaveValue('李四');
  await expect(second.field('证件号码', 1)).toHaveValue(ADULT);
  await context.close();
});
