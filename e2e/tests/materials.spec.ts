import { test, expect } from '../fixtures';
import { ApplyFlow, ZHANG, seedChecklist } from '../pages/apply';
import { MaterialsPage, jpeg, pdf, photo } from '../pages/materials';
import { STAFF_PASSWORD, StaffApi } from '../pages/staff';

// 一套材料 for 企业开办: each document checked on the phone before it is sent (材料预审),
// one deferred on the applicant's commitment (容缺受理) and supplied after submission (补正).
test.describe.configure({ timeout: 180_000 });


test('documents are checked on the phone, one is deferred with a commitment and supplied after submission @journey', async ({ page, request, audit, baseURL }) => {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm(undefined, async (m: MaterialsPage) => {
    await audit('materials step, nothing given');
    // What the government already holds is not asked for, and says where it comes from.
    const shared = page.getByRole('region', { name: '无需提交的材料' });
    await expect(shared).toContainText('营业执照');
    await expect(shared).toContainText('数据共享');

    // Nothing given: every critical document, each side of the ID card, and the commitment
    // for the deferrable one are asked for at once.
    await flow.next();
    const errors = await flow.errors();
    expect(errors).toEqual([
      '居民身份证 · 人像面：这份材料必须上传后才能受理，请上传。',
      '居民身份证 · 国徽面：这份材料必须上传后才能受理，请上传。',
      '公司章程：这份材料必须上传后才能受理，请上传。',
      '房屋租赁合同：这份材料必须上传后才能受理，请上传。',
      '参保（缴存）职工名册：请上传这份材料，或者勾选承诺在期限内补交（容缺受理）。',
    ]);

    // A picture renamed .pdf is refused before it is sent, with what to do instead.
    const articles = m.material('公司章程');
    const png = await photo(page, '章程截图', { type: 'image/png' });
    await m.pdfInput('公司章程').setInputFiles({ name: '公司章程.pdf', mimeType: 'application/pdf', buffer: png });
    await expect(articles).toContainText('文件的实际格式与扩展名不符');
    await articles.getByRole('button', { name: /^删除/ }).click();
    await expect(m.files('公司章程')).toHaveCount(0);
    // A PDF of two pages goes up.
    await m.pdfInput('公司章程').setInputFiles({ name: '公司章程.pdf', mimeType: 'application/pdf', buffer: pdf(2, 'articles') });
    await m.expectUploaded('公司章程', 1);
    await expect(m.files('公司章程')).toContainText('PDF，约 2 页');

    // A blurred photo is warned about with 请重新拍摄; retaking it opens the picker again.
    const lease = m.material('房屋租赁合同');
    await m.photoInput('房屋租赁合同').setInputFiles(await jpeg(page, '租赁合同', 'IMG_2001.jpg', { blur: 9 }));
    await expect(lease).toContainText('照片不够清晰');
    await expect(lease.getByRole('button', { name: /^仍然使用/ })).toBeVisible();
    await audit('a blurred photo warned');
    const picker = page.waitForEvent('filechooser');
    await lease.getByRole('button', { name: /^重新拍摄/ }).click();
    await (await picker).setFiles(await jpeg(page, '租赁合同 重拍', 'IMG_2002.jpg'));
    await m.expectUploaded('房屋租赁合同', 1);
    await expect(lease).not.toContainText('照片不够清晰');
    // The photo was made smaller on the phone before it was sent.
    await expect(m.files('房屋租赁合同')).toContainText('已压缩');
    // A second page, then put first: the order is kept on the server.
    await m.photoInput('房屋租赁合同').setInputFiles(await jpeg(page, '租赁合同 签字页', 'IMG_2003.jpg'));
    await m.expectUploaded('房屋租赁合同', 2);
    const [token, key] = (await page.evaluate(() => sessionStorage.getItem('onetrip.draft')))!.split(':');
    const leaseIds = async () => {
      const list = await (await request.get(`/api/v1/drafts/${token}/files`, { headers: { 'X-Draft-Key': key } })).json();
      return list.filter((f: { material: string }) => f.material === 'lease-contract').map((f: { id: string }) => f.id);
    };
    const before = await leaseIds();
    const ordered = page.waitForResponse((r) => r.url().endsWith('/files/order') && r.status() === 204);
    await lease.getByRole('button', { name: '上移 第 2 份' }).click();
    await ordered;
    expect(await leaseIds()).toEqual([before[1], before[0]]);

    // Both sides of the ID card, in their own places; the same photo twice is caught.
    const front = await jpeg(page, '身份证 人像面', 'IMG_3001.jpg', { width: 1600, height: 1000 });
    await m.photoInput('居民身份证', '人像面').setInputFiles(front);
    await m.expectUploaded('居民身份证', 1);
    await m.photoInput('居民身份证', '国徽面').setInputFiles({ ...front, name: 'IMG_3001 (1).jpg' });
    await expect(m.material('居民身份证')).toContainText('这份文件已经上传过了');
    await m.material('居民身份证').getByRole('button', { name: /^删除/ }).last().click();
    await m.photoInput('居民身份证', '国徽面').setInputFiles(await jpeg(page, '身份证 国徽面', 'IMG_3002.jpg', { width: 1600, height: 1000 }));
    await m.expectUploaded('居民身份证', 2);

    // The staff list follows later, on a commitment that names the deadline.
    const roster = m.material('参保（缴存）职工名册');
    await expect(roster).toContainText('承诺书：本人承诺在申请受理后 5 个工作日内');
    await m.defer('参保（缴存）职工名册');
    await audit('materials step, complete');
    // Elder mode: larger text, the same page, still clean.
    await flow.layout.setElderMode(true);
    await expect(m.files('房屋租赁合同')).toHaveCount(2);
    await audit('materials step, elder mode');
    await flow.layout.setElderMode(false);
  });

  // The review lists the documents, and the deferred one as such, after a reload too (WeChat
  // reloads pages): they are read back from the server.
  await expect(page.getByText('容缺：受理后 5 个工作日内补交')).toBeVisible();
  await expect(page.getByText('已上传 2 份')).toHaveCount(2);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('核对您填写的信息');
  await expect(page.getByText('已上传 2 份')).toHaveCount(2);
  await expect(page.getByText('容缺：受理后 5 个工作日内补交')).toBeVisible();
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  const number = new URL(page.url()).pathname.slice(3);
  const main = page.locator('main');
  await expect(main).toContainText('容缺受理');
  await expect(main).toContainText('参保（缴存）职工名册');
  await audit('receipt with an outstanding document');

  // Later, from the application's page: the outstanding document, with the same checks.
  await page.getByRole('link', { name: '补交材料' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('补交材料');
  const supplement = new MaterialsPage(page);
  await expect(supplement.material('参保（缴存）职工名册')).toContainText('请在');
  await audit('supplement page');
  await page.getByRole('button', { name: '提交补正材料' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '参保（缴存）职工名册' })).toBeVisible();
  // From the keyboard: the real input takes focus (its label is the visible button) and opens
  // the picker.
  await supplement.pdfInput('参保（缴存）职工名册').focus();
  await expect(supplement.pdfInput('参保（缴存）职工名册')).toBeFocused();
  const keyboardPicker = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await keyboardPicker).setFiles({ name: '名册.pdf', mimeType: 'application/pdf', buffer: pdf(1, 'roster') });
  await supplement.expectUploaded('参保（缴存）职工名册', 1);
  await page.getByRole('button', { name: '提交补正材料' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已提交补正材料' })).toBeVisible();
  const receipt = await (await request.get(`/api/v1/applications/${number}`)).json();
  expect(receipt.deferred).toBe(true);
  expect(receipt.outstanding).toEqual([]);

  // A department asks for the lease again, with its reason: the applicant sees it the same way.
  if (STAFF_PASSWORD) {
    const window = await StaffApi.signIn('window', baseURL!);
    await window.act(number, { action: 'accept' });
    const amr = await StaffApi.signIn('amr', baseURL!);
    await amr.act(number, {
      action: 'request_correction',
      matter: 'company-registration',
      items: [{ material: 'lease-contract', reason: '租赁合同缺少签字页，请补充。' }],
      days: 5,
    });
    await Promise.all([window.dispose(), amr.dispose()]);
    await page.goto(`/r/${number}`);
    await expect(main).toContainText('租赁合同缺少签字页');
    await page.getByRole('link', { name: '补交材料' }).click();
    const lease = supplement.material('房屋租赁合同');
    await expect(lease).toContainText('补正原因：租赁合同缺少签字页，请补充。');
    await supplement.photoInput('房屋租赁合同').setInputFiles(await jpeg(page, '租赁合同 补充的签字页', 'IMG_4001.jpg'));
    await supplement.expectUploaded('房屋租赁合同', 1);
    await page.getByRole('button', { name: '提交补正材料' }).click();
    await expect(page.getByRole('status').filter({ hasText: '已提交补正材料' })).toBeVisible();
  }
});

test('a supplement on another device needs the second factor @journey', async ({ page, request, browser }) => {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm();
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  const number = new URL(page.url()).pathname.slice(3);

  const other = await browser.newContext();
  const phone = await other.newPage();
  await phone.goto(`/apply/supplement/${number}`);
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('补交材料');
  const factor = phone.getByLabel('身份证号码后 6 位，或您设置的 6 位密码');
  await factor.fill('999999');
  await phone.getByRole('button', { name: '打开申请' }).click();
  await expect(phone.getByRole('alert').filter({ hasText: '验证信息不对' })).toBeVisible();
  await factor.fill(ZHANG.id.slice(-6));
  await phone.getByRole('button', { name: '打开申请' }).click();
  await expect(phone.getByRole('region', { name: '参保（缴存）职工名册' })).toBeVisible();
  await other.close();
});

test('an upload whose answer is lost is sent again with the same key and stored once @journey', async ({ page, request }) => {
  const flow = new ApplyFlow(page);
  await flow.startAtMaterials(request);
  const m = new MaterialsPage(page);
  // The first attempt reaches the server, but its answer is lost on the way back.
  const keys: string[] = [];
  await page.route('**/api/v1/drafts/*/files', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    const response = await route.fetch();
    if (keys.length === 1) await route.abort('connectionreset');
    else await route.fulfill({ response });
  });
  await m.pdfInput('公司章程').setInputFiles({ name: '章程.pdf', mimeType: 'application/pdf', buffer: pdf(3, 'retry') });
  await expect(m.files('公司章程')).toContainText('网络中断');
  await m.expectUploaded('公司章程', 1);
  expect(keys.length).toBe(2);
  expect(keys[1]).toBe(keys[0]);
  const [token, key] = (await page.evaluate(() => sessionStorage.getItem('onetrip.draft')))!.split(':');
  const list = await (await request.get(`/api/v1/drafts/${token}/files`, { headers: { 'X-Draft-Key': key } })).json();
  expect(list.filter((f: { material: string }) => f.material === 'articles-of-association')).toHaveLength(1);
});

test('the form and the materials are two downloads: what was typed crosses over, and a file being sent is not cut off unasked @journey', async ({ page, request }) => {
  const flow = new ApplyFlow(page);
  await flow.start(await seedChecklist(request));
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname);
  });
  // Typed, not continued: the step list leads to the other app, which saves first. With the
  // connection gone the applicant stays, told so, and nothing typed is lost.
  await flow.fill('企业名称', '杭州市云帆信息科技有限公司');
  await page.route('**/api/v1/drafts/*', (route) => (route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue()));
  await page.getByText('全部步骤').click();
  await page.getByRole('link', { name: '上传材料' }).click();
  await expect(page.getByRole('status').filter({ hasText: '网络不通' })).toBeVisible({ timeout: 15_000 });
  await flow.expectSection('企业基本信息');
  await expect(flow.field('企业名称')).toHaveValue('杭州市云帆信息科技有限公司');
  await page.unroute('**/api/v1/drafts/*');
  await page.getByRole('link', { name: '上传材料' }).click();
  await flow.expectSection('上传材料');
  expect(wasm.some((p) => p.startsWith('/apply/materials-app/'))).toBe(true);
  await page.getByText('全部步骤').click();
  await page.getByRole('link', { name: '企业基本信息' }).click();
  await flow.expectSection('企业基本信息');
  await expect(flow.field('企业名称')).toHaveValue('杭州市云帆信息科技有限公司');
  await page.goto('/apply/materials');
  const m = new MaterialsPage(page);
  // An upload that hangs: leaving asks first, and 取消 keeps the page and the file.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/v1/drafts/*/files', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await held;
    await route.continue();
  });
  await m.pdfInput('公司章程').setInputFiles({ name: '章程.pdf', mimeType: 'application/pdf', buffer: pdf(2, 'hold') });
  await expect(m.files('公司章程')).toContainText('正在上传');
  // The question is modal: it is answered (取消) as it opens.
  const asked: string[] = [];
  page.once('dialog', (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await page.getByText('全部步骤').click();
  await page.getByRole('link', { name: '企业基本信息' }).click();
  expect(asked).toHaveLength(1);
  expect(asked[0]).toContain('离开本页会中断上传');
  await flow.expectSection('上传材料');
  release();
  await m.expectUploaded('公司章程', 1);
});
