import { test, expect } from '../fixtures';
import { ApplyFlow } from '../pages/apply';
import { MaterialsPage, jpeg, pdf } from '../pages/materials';
import { STAFF_PASSWORD, StaffApi } from '../pages/staff';
import { StaffApp } from '../pages/staffApp';

// 工作人员端 (/staff/) in a desktop browser: the window accepts with a deferred material, two
// departments decide their own matters in their own browsers, the window dispatches by EMS,
// the supervisor answers a bad rating. Needs the demo accounts (`onetrip-server seed` with
// ONETRIP_DEMO_PASSWORD) and their password in STAFF_PASSWORD; skipped otherwise. Runs in the
// `desktop` project only (staff work at desktops); one check is made at 320 px.
test.skip(!STAFF_PASSWORD, 'STAFF_PASSWORD is not set: the staff app needs the demo accounts');
test.describe.configure({ timeout: 300_000 });

/** Every document given, the staff list too: nothing deferred by the applicant. */
async function allDocuments(m: MaterialsPage) {
  const page = m.page;
  await m.photoInput('居民身份证', '人像面').setInputFiles(await jpeg(page, '身份证 人像面', 'IMG_5001.jpg', { width: 1600, height: 1000 }));
  await m.photoInput('居民身份证', '国徽面').setInputFiles(await jpeg(page, '身份证 国徽面', 'IMG_5002.jpg', { width: 1600, height: 1000 }));
  await m.pdfInput('公司章程').setInputFiles({ name: '章程.pdf', mimeType: 'application/pdf', buffer: pdf(2, 'articles') });
  await m.photoInput('房屋租赁合同').setInputFiles(await jpeg(page, '租赁合同 第一页', 'IMG_5003.jpg'));
  await m.pdfInput('参保（缴存）职工名册').setInputFiles({ name: '名册.pdf', mimeType: 'application/pdf', buffer: pdf(1, 'roster') });
  await m.expectUploaded('居民身份证', 2);
  await m.expectUploaded('公司章程', 1);
  await m.expectUploaded('房屋租赁合同', 1);
  await m.expectUploaded('参保（缴存）职工名册', 1);
}

test('window, departments and supervisor handle an application in the staff app @staff', async ({ page, browser, request, audit, auditPage, baseURL }) => {
  // The applicant, in a phone's browser of their own.
  const phone = await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true });
  const applicant = await phone.newPage();
  const flow = new ApplyFlow(applicant);
  await flow.startSoleOwner(request);
  await flow.restOfForm(undefined, allDocuments);
  await flow.submitButton().click();
  await expect(applicant).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  const number = new URL(applicant.url()).pathname.slice(3);

  // The window signs in and finds it among the new ones.
  const window = new StaffApp(page);
  await page.goto('/staff/');
  await audit('staff sign-in');
  await window.signIn('window');
  await expect(window.heading).toHaveText('办件列表');
  await expect(window.tabs().getByRole('link', { name: '待受理' })).toHaveAttribute('aria-current', 'page');
  const queued = await window.findRow(number);
  await expect(queued).toContainText('企业开办');
  await expect(queued).toContainText('未超期');
  await audit('queue: 待受理');
  await page.getByRole('checkbox', { name: '只看超期' }).check();
  await expect(page).toHaveURL(/overdue=1/);
  await expect(window.row(number)).toHaveCount(0);
  await page.getByRole('checkbox', { name: '只看超期' }).uncheck();
  await window.openFromList(number);
  await expect(window.fact('状态')).toHaveText('预审中');
  await expect(page.getByRole('region', { name: '申请表' })).toContainText('330106198001010021');
  await expect(page.getByRole('link', { name: /^下载：公司章程/ })).toHaveAttribute('href', new RegExp(`/api/v1/staff/applications/${number}/files/`));
  await audit('application, before acceptance');

  // 容缺受理: the staff list may follow.
  const accept = window.form('受理');
  await accept.getByRole('checkbox', { name: '参保（缴存）职工名册' }).check();
  await accept.getByRole('button', { name: '受理' }).click();
  await expect(window.status('已容缺受理')).toBeFocused();
  await expect(window.fact('状态')).toHaveText('办理中');
  await expect(page.getByRole('region', { name: '容缺和补正' })).toContainText('容缺：参保（缴存）职工名册');
  await expect(window.form('受理')).toHaveCount(0);
  await audit('application, accepted');

  // 市场监督管理局, in its own browser: approves company registration. The police cannot yet.
  const amr = await StaffApp.open(browser, 'amr');
  await amr.staff.openList('办理中');
  await amr.staff.openFromList(number);
  await expect(amr.staff.page.getByRole('region', { name: '各部门办理情况（并联审批）' })).toContainText('市场监督管理局');
  await auditPage(amr.staff.page, 'application, department amr');
  await amr.staff.matter('企业设立登记').getByRole('button', { name: '准予' }).click();
  await expect(amr.staff.status('已准予：企业设立登记')).toBeVisible();

  // The police ask for the ID card again, every item at once (一次性告知).
  const police = await StaffApp.open(browser, 'police');
  await police.staff.openApplication(number);
  const seal = police.staff.matter('公章刻制');
  // Everything left out is said at once.
  await seal.getByRole('button', { name: '发出补正告知' }).click();
  await expect(police.staff.errorSummary).toBeFocused();
  await expect(police.staff.errorSummary).toContainText('第 1 项：请选择要补正的材料。');
  await expect(police.staff.errorSummary).toContainText('第 1 项：请写明补正原因。');
  await auditPage(police.staff.page, 'correction form with errors');
  await seal.getByLabel('要补正的材料').selectOption({ label: '居民身份证' });
  await seal.getByLabel('补正原因').fill('身份证人像面反光，请重新拍摄。');
  await seal.getByRole('button', { name: '发出补正告知' }).click();
  await expect(police.staff.status('已发出补正告知：公章刻制')).toBeVisible();
  await expect(police.staff.fact('状态')).toHaveText('需补正');
  await expect(police.staff.page.getByRole('region', { name: '容缺和补正' })).toContainText('身份证人像面反光');

  // The window's open page follows by itself (polled).
  await expect(window.fact('状态')).toHaveText('需补正', { timeout: 20_000 });

  // The applicant supplies both; the other departments decide through the API.
  await applicant.goto(`/r/${number}`);
  await applicant.getByRole('link', { name: '补交材料' }).click();
  const supplement = new MaterialsPage(applicant);
  await supplement.photoInput('居民身份证', '人像面').setInputFiles(await jpeg(applicant, '身份证 人像面 重拍', 'IMG_6001.jpg', { width: 1600, height: 1000 }));
  await supplement.photoInput('居民身份证', '国徽面').setInputFiles(await jpeg(applicant, '身份证 国徽面 重拍', 'IMG_6002.jpg', { width: 1600, height: 1000 }));
  await supplement.pdfInput('参保（缴存）职工名册').setInputFiles({ name: '名册.pdf', mimeType: 'application/pdf', buffer: pdf(1, 'roster again') });
  await supplement.expectUploaded('居民身份证', 2);
  await supplement.expectUploaded('参保（缴存）职工名册', 1);
  await applicant.getByRole('button', { name: '提交补正材料' }).click();
  await expect(applicant.getByRole('status').filter({ hasText: '已提交补正材料' })).toBeVisible();
  await police.staff.page.reload();
  await police.staff.matter('公章刻制').getByRole('button', { name: '准予' }).click();
  await expect(police.staff.status('已准予：公章刻制')).toBeVisible();
  for (const [user, matter] of [
    ['tax', 'invoice-application'],
    ['hrss', 'social-insurance-registration'],
    ['bank', 'bank-account'],
    ['housing-fund', 'housing-fund-registration'],
  ]) {
    const api = await StaffApi.signIn(user, baseURL!);
    await api.act(number, { action: 'approve', matter });
    await api.dispose();
  }

  // EMS: a wrong check digit is refused in the browser, in words; the right one goes out.
  await page.getByRole('link', { name: '返回办件列表' }).click();
  await window.openList('已办结');
  await window.openFromList(number);
  const dispatch = window.form('寄出（EMS）');
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/actions')) sent.push(r.postData() ?? '');
  });
  await dispatch.getByLabel('EMS 快递单号').fill('EE473124828CN');
  await dispatch.getByRole('button', { name: '寄出' }).click();
  await expect(window.errorSummary).toBeFocused();
  await expect(window.errorSummary).toContainText('快递单号的校验位不对，请核对后重新输入。');
  await expect(dispatch.getByLabel('EMS 快递单号')).toHaveAttribute('aria-invalid', 'true');
  expect(sent, 'nothing sent for a wrong number').toEqual([]);
  await audit('dispatch with a wrong tracking number');
  await dispatch.getByLabel('EMS 快递单号').fill('ee 473124829 cn');
  await dispatch.getByRole('button', { name: '寄出' }).click();
  await expect(window.status('已登记寄出，快递单号 EE473124829CN')).toBeVisible();
  await expect(window.fact('EMS 快递单号')).toHaveText('EE473124829CN');

  // A bad rating: the supervisor sees it among 整改 and answers.
  const [rNumber, key] = (await applicant.evaluate(() => sessionStorage.getItem('onetrip.application')))!.split(':');
  expect(rNumber).toBe(number);
  const rated = await request.post(`/api/v1/applications/${number}/rating`, {
    headers: { 'X-Application-Key': key, 'Idempotency-Key': crypto.randomUUID() },
    data: { level: 2, comment: '补正来回了一次' },
  });
  expect(rated.status(), await rated.text()).toBe(200);
  const supervisor = await StaffApp.open(browser, 'supervisor');
  await supervisor.staff.page.getByRole('link', { name: '整改', exact: true }).click();
  await expect(supervisor.staff.heading).toHaveText('整改');
  const item = supervisor.staff.page.getByRole('region', { name: `办件 ${number}` });
  await expect(item).toContainText('不满意');
  await expect(item).toContainText('补正来回了一次');
  await auditPage(supervisor.staff.page, 'follow-ups');
  await item.getByLabel(`办件 ${number} 的整改情况`).fill('已约谈窗口，补正改为一次性告知。');
  await item.getByRole('button', { name: '提交答复' }).click();
  await expect(supervisor.staff.status(`已答复办件 ${number} 的整改`)).toBeVisible();

  // A department without a matter in it cannot open it.
  const culture = await StaffApp.open(browser, 'culture');
  await culture.staff.openApplication(number);
  await expect(culture.staff.heading).toHaveText('没有找到这份办件');
  await auditPage(culture.staff.page, 'not found for another department');

  // At 320 px and in elder mode the application still fits and passes.
  await page.setViewportSize({ width: 320, height: 640 });
  await window.elderToggle.click();
  await expect(window.elderToggle).toHaveAttribute('aria-pressed', 'true');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
  await audit('application at 320 px, elder mode');
  await page.getByRole('link', { name: '返回办件列表' }).click();
  await window.openList('全部');
  await expect(await window.findRow(number)).toContainText('已评价');
  await audit('queue at 320 px, elder mode');
  await window.elderToggle.click();

  for (const c of [phone, amr.context, police.context, supervisor.context, culture.context]) await c.close();
});

test('sign-in from the keyboard alone, its errors, and a session that ended @staff', async ({ page, audit }) => {
  const staff = new StaffApp(page);
  await page.goto('/staff/');
  await expect(staff.heading).toHaveText('工作人员登录');
  // Tab to the username, type, Tab, type, Enter.
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await page.getByLabel('用户名', { exact: true }).evaluate((el) => el === document.activeElement)) break;
  }
  await expect(page.getByLabel('用户名', { exact: true })).toBeFocused();
  // Nothing typed: both problems at once, and focus on the summary.
  await page.keyboard.press('Enter');
  await expect(staff.errorSummary).toBeFocused();
  await expect(staff.errorSummary.getByRole('link')).toHaveText(['请输入用户名。', '请输入密码。']);
  await audit('sign-in with errors');
  await staff.errorSummary.getByRole('link', { name: '请输入用户名。' }).press('Enter');
  await expect(page.getByLabel('用户名', { exact: true })).toBeFocused();
  await page.keyboard.type('window');
  await page.keyboard.press('Tab');
  await page.keyboard.type('not-the-password');
  await page.keyboard.press('Enter');
  await expect(staff.errorSummary).toBeFocused();
  await expect(staff.errorSummary).toContainText('用户名或密码不对');
  await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
  await page.getByLabel('密码', { exact: true }).focus();
  await page.keyboard.type(STAFF_PASSWORD!);
  await page.keyboard.press('Enter');
  await expect(staff.signOutButton).toBeVisible();
  await expect(staff.heading).toHaveText('办件列表');

  // The session ends (as after 30 idle minutes): the next call brings the sign-in back.
  await page.context().clearCookies();
  await staff.tabs().getByRole('link', { name: '全部', exact: true }).click();
  await expect(staff.heading).toHaveText('工作人员登录');
  await expect(page.getByRole('status').filter({ hasText: '登录已超时，请重新登录' })).toBeVisible();
  await audit('sign-in after the session ended');
  await staff.signIn('window');
  // Back where they were.
  await expect(staff.tabs().getByRole('link', { name: '全部', exact: true })).toHaveAttribute('aria-current', 'page');
  await staff.signOutButton.click();
  await expect(staff.heading).toHaveText('工作人员登录');
});
