import { test, expect } from '../fixtures';
import { ADULT, ApplyFlow } from '../pages/apply';
import { MaterialsPage, jpeg, pdf } from '../pages/materials';
import { STAFF_PASSWORD, StaffApi } from '../pages/staff';
import { TrackPage } from '../pages/track';

// After submission (进度查询): the applicant watches the application move without reloading
// while the window and the departments act in another context, supplies a correction, sees the
// EMS tracking number and rates the service; and another phone opens it only with the second
// factor. The staff act through the API here (their own pages have their own spec).
test.describe.configure({ timeout: 240_000 });

async function submitted(page: import('@playwright/test').Page, request: import('@playwright/test').APIRequestContext): Promise<string> {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm();
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  return new URL(page.url()).pathname.slice(3);
}

test('the applicant follows the application live from acceptance to the rating @journey', async ({ page, request, audit, auditPage, baseURL }) => {
  test.skip(!STAFF_PASSWORD, 'needs the demo staff accounts (STAFF_PASSWORD)');
  const number = await submitted(page, request);
  // Followed without the app: the page's script keeps it up to date until a control is used.
  let app = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm') && new URL(page.url()).pathname.startsWith('/track/')) app++;
  });
  await page.getByRole('link', { name: '查看办理进度' }).click();
  await expect(page).toHaveURL(`/track/${number}`);
  const track = new TrackPage(page);
  await track.expectStatus('预审中');
  await expect(track.todo()).toContainText('窗口受理之前，您可以撤回这份申请');
  await expect(page.getByRole('button', { name: '撤回申请' })).toBeVisible();
  // Personal data masked; never the whole ID or phone number.
  await expect(track.main()).toContainText('138****5678');
  await expect(track.main()).not.toContainText(ADULT);
  await expect(track.main()).not.toContainText('13812345678');
  await audit('progress, waiting for the window');

  // Opened again from a notification, in a new tab (the key now from 我的办件 on this phone):
  // the page's own script asks for the progress once and shows it, buttons and all; the app
  // is not downloaded until a control is used. A press on 撤回申请 starts it: it draws the
  // same page in the same place and takes the press (its confirmation).
  const again = await page.context().newPage();
  const asked: string[] = [];
  again.on('request', (r) => {
    if (/\/progress\/view\?.*wait=0/.test(r.url())) asked.push('progress');
    if (r.url().endsWith('.wasm')) asked.push('app');
  });
  await again.goto(`/track/${number}`);
  await new TrackPage(again).expectStatus('预审中');
  await expect(again).toHaveTitle(/ - 一次办$/);
  await auditPage(again, 'progress, drawn before the app');
  const places = () =>
    Promise.all(
      [
        again.getByRole('heading', { level: 1 }),
        again.locator('.ot-panel__number').first(),
        again.getByRole('heading', { name: '撤回申请' }),
      ].map((l) =>
        l.evaluate((e) => {
          const r = e.getBoundingClientRect();
          return [e.textContent, r.x, r.y + window.scrollY, r.width, r.height];
        }),
      ),
    );
  const drawn = await places();
  await again.waitForTimeout(1_000);
  expect(asked).toEqual(['progress']);
  await again.getByRole('button', { name: '撤回申请' }).click();
  await expect(again.getByRole('alertdialog')).toContainText('确定撤回吗');
  expect(asked).toEqual(['progress', 'app']);
  expect(await places()).toEqual(drawn);
  await again.getByRole('button', { name: '不撤回' }).click();
  await expect(again.getByRole('button', { name: '撤回申请' })).toBeEnabled();
  await again.close();

  // The window accepts (the staff list follows later: 容缺受理); the page updates by itself.
  const window = await StaffApi.signIn('window', baseURL!);
  const amr = await StaffApi.signIn('amr', baseURL!);
  const police = await StaffApi.signIn('police', baseURL!);
  await window.act(number, { action: 'accept' });
  await track.expectStatus('办理中');
  await expect(page.getByRole('status').filter({ hasText: '办件状态已更新：办理中' })).toBeAttached();
  expect(app, 'no app downloaded to follow the progress').toBe(0);
  await expect(track.timeline()).toContainText('容缺受理');
  await expect(track.matter('公章刻制')).toContainText('等待前置事项结果');
  await expect(page.getByRole('button', { name: '撤回申请' })).toHaveCount(0);
  await page.getByRole('link', { name: '受理通知书' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('受理通知书');
  await expect(track.main()).toContainText('本申请为容缺受理');
  await expect(track.main()).toContainText('参保（缴存）职工名册');
  await page.getByRole('link', { name: '返回办件进度' }).click();
  await track.expectStatus('办理中');

  // Two departments in parallel: the licence granted starts the seal; the police ask for the
  // ID card again.
  await amr.act(number, { action: 'approve', matter: 'company-registration' });
  await expect(track.matter('企业设立登记')).toContainText('准予', { timeout: 25_000 });
  await expect(track.matter('公章刻制')).toContainText('办理中');
  await police.act(number, {
    action: 'request_correction',
    matter: 'seal-engraving',
    items: [{ material: 'id-card', reason: '身份证人像面反光，请重新拍摄' }],
    days: 5,
  });
  await track.expectStatus('需补正');
  await expect(track.todo()).toContainText('补交下面列出的材料');
  await expect(track.main()).toContainText('身份证人像面反光，请重新拍摄');
  await expect(page.getByRole('status').filter({ hasText: '办件状态已更新：需补正' })).toBeAttached();
  await audit('progress, a correction requested');
  // The 补正告知书 lists every item at once, printable.
  await page.getByRole('link', { name: '补正告知书' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('补正告知书');
  await expect(track.main()).toContainText('一次性告知');
  await expect(track.main()).toContainText('居民身份证');
  await expect(track.main()).toContainText('身份证人像面反光，请重新拍摄');
  await expect(page.getByRole('button', { name: '打印' })).toBeVisible();
  await audit('补正告知书');
  await page.getByRole('link', { name: '返回办件进度' }).click();
  await expect(track.todo()).toBeVisible();

  // The applicant supplies both (the correction and the deferred list) in one go.
  await track.todo().getByRole('link', { name: '补交材料' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('补交材料');
  const supplement = new MaterialsPage(page);
  await supplement.photoInput('居民身份证', '人像面').setInputFiles(await jpeg(page, '身份证 人像面 重拍', 'IMG_5001.jpg', { width: 1600, height: 1000 }));
  await supplement.photoInput('居民身份证', '国徽面').setInputFiles(await jpeg(page, '身份证 国徽面 重拍', 'IMG_5002.jpg', { width: 1600, height: 1000 }));
  await supplement.pdfInput('参保（缴存）职工名册').setInputFiles({ name: '名册.pdf', mimeType: 'application/pdf', buffer: pdf(1, 'roster-live') });
  await supplement.expectUploaded('居民身份证', 2);
  await supplement.expectUploaded('参保（缴存）职工名册', 1);
  await page.getByRole('button', { name: '提交补正材料' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已提交补正材料' })).toBeVisible();
  await track.open(number);
  await track.expectStatus('办理中');
  await expect(track.timeline()).toContainText('补正材料已收到，继续办理');

  for (const [dept, matter] of [
    ['police', 'seal-engraving'],
    ['tax', 'invoice-application'],
    ['bank', 'bank-account'],
    ['hrss', 'social-insurance-registration'],
    ['housing-fund', 'housing-fund-registration'],
  ]) {
    const staff = dept === 'police' ? police : await StaffApi.signIn(dept, baseURL!);
    await staff.act(number, { action: 'approve', matter });
    if (staff !== police) await staff.dispose();
  }
  await track.expectStatus('已办结');
  await expect(track.main()).toContainText('全部事项都已准予');

  // EMS: the tracking number shows; the applicant rates 不满意 and sees the follow-up.
  await window.act(number, { action: 'dispatch', tracking: 'EE473124829CN' });
  await track.expectStatus('已寄出');
  await expect(track.main()).toContainText('EE473124829CN');
  await expect(track.todo()).toContainText('请为这次服务打分');
  await audit('progress, dispatched');
  await track.rate('不满意', '补正来回了一次，希望一次说清');
  await track.expectStatus('已评价');
  await expect(track.main()).toContainText('已转督办部门整改');
  await expect(track.main()).toContainText('补正来回了一次，希望一次说清');
  // The messages the notifications left in the app.
  await expect(track.main()).toContainText('办理结果已通过 EMS 寄出', { timeout: 25_000 });
  await audit('progress, rated');

  // 我的办件 on this phone lists it.
  await page.goto('/track/');
  await expect(page.getByRole('link', { name: new RegExp(number) })).toBeVisible();
  await audit('my applications');
  await Promise.all([window.dispose(), amr.dispose(), police.dispose()]);
});

test('another phone opens an application only with its second factor @journey', async ({ page, request, audit }) => {
  const number = await submitted(page, request);
  // Another phone: nothing of this one's storage.
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  const track = new TrackPage(page);
  await page.goto('/track/');
  await expect(page.getByText('这台手机上还没有办件')).toBeVisible();
  await audit('my applications, empty');
  // A wrong factor, and an unknown number, say the same and nothing more.
  await track.lookUp('999999', number);
  await expect(page.getByRole('alert')).toContainText('申请编号或验证信息不对');
  await track.lookUp('999999', 'ZZZZZZZZZZ');
  await expect(page.getByRole('alert')).toContainText('申请编号或验证信息不对');
  await audit('my applications, a wrong factor');
  await track.lookUp(ADULT.slice(-6), number);
  await expect(page).toHaveURL(`/track/${number}`);
  await track.expectStatus('预审中');
  await expect(track.main()).not.toContainText(ADULT);
  // Opened here, the application is now in this phone's list.
  await page.goto('/track/');
  await expect(page.getByRole('link', { name: new RegExp(number) })).toBeVisible();
});

test('the applicant withdraws before acceptance and starts again with the earlier answers @journey', async ({ page, request, audit }) => {
  const number = await submitted(page, request);
  const track = new TrackPage(page);
  await track.open(number);
  await track.expectStatus('预审中');
  await page.getByRole('button', { name: '撤回申请' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('确定撤回吗');
  await audit('withdraw, asked to confirm');
  await page.getByRole('button', { name: '确认撤回' }).click();
  await track.expectStatus('已撤回');
  await expect(track.timeline()).toContainText('已撤回申请');
  await page.getByRole('button', { name: /^重新申请/ }).click();
  await expect(page).toHaveURL('/apply/review');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('核对您填写的信息');
  await expect(page.locator('main')).toContainText('杭州');
});
