import { test, expect } from '../fixtures';
import { ADULT, ADULT_2, ApplyFlow, CHILD, LI, ZHANG, seedChecklist } from '../pages/apply';
import { holdApp } from '../pages/layout';
import { MaterialsPage } from '../pages/materials';
import { readQr } from '../pages/qr';

// 一表登记 for 企业开办: one form for six departments, on the phone and in WeChat's browser.
// Each journey fills a dozen pages: they get more time than a page visit.
test.describe.configure({ timeout: 120_000 });

test('starting a company with two shareholders: one form, checked, submitted, a receipt @journey', async ({ page, request, audit }) => {
  const flow = new ApplyFlow(page);
  const id = await seedChecklist(request);
  // The checklist offers the online application.
  await page.goto(`/c/${id}`);
  await page.getByRole('link', { name: '在线申请' }).click();
  await expect(flow.layout.heading).toHaveText('个人信息处理规则');
  await audit('privacy notice and consents');
  await page.getByRole('checkbox', { name: '我已阅读并同意《个人信息处理规则》' }).check();
  await page.getByRole('checkbox', { name: /我单独同意处理我的敏感个人信息/ }).check();
  await page.getByRole('button', { name: '同意并开始填写' }).click();

  await flow.expectSection('企业基本信息');
  await expect(flow.step).toContainText('第 1 步，共 13 步');
  await audit('company section');
  await flow.company();
  // Which departments need a datum, on request.
  await page.getByText('哪些部门需要这项信息').first().click();
  await expect(page.getByText(/市场监督管理局/).first()).toBeVisible();
  await flow.next();

  await flow.expectSection('股东（投资人）');
  await expect(flow.step).toContainText('第 2 步，共 13 步');
  // Back (and Android's back key) returns to the last page with everything still there.
  await page.goBack();
  await flow.expectSection('企业基本信息');
  await expect(flow.field('住所（经营场所）')).toHaveValue('杭州市上城区解放路 1 号 301 室');
  await page.goForward();
  await flow.expectSection('股东（投资人）');
  await flow.shareholder(1, ZHANG);
  await flow.shareholder(2, LI);
  await audit('shareholders with two rows');
  await flow.next();
  await flow.restOfForm(audit);

  // The review shows every answer with a change link that comes back here.
  await expect(page.getByText('一张表：共填')).toBeVisible();
  await expect(page.getByText('李四', { exact: true })).toBeVisible();
  await page.getByRole('link', { name: '修改 职工人数' }).click();
  await flow.expectSection('企业基本信息');
  await expect(flow.field('职工人数')).toHaveValue('5');
  await flow.fill('职工人数', '6');
  await flow.next();
  await flow.expectSection('核对您填写的信息');
  await expect(page.getByText('6', { exact: true })).toBeVisible();

  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  await expect(page.getByRole('heading', { level: 1, name: '企业开办' })).toBeVisible();
  await expect(page.getByRole('status').getByText('申请编号', { exact: true })).toBeVisible();
  await expect(page.getByText('承诺办结日期')).toBeVisible();
  await expect(page.getByText('免费邮寄（EMS）到您填写的地址')).toBeVisible();
  // The receipt's QR code: its address only, how to read it, and the number beside it.
  const number = new URL(page.url()).pathname.slice(3);
  const qr = await readQr(page.getByRole('img', { name: /申请回执二维码/ }));
  expect(qr).toBe(`${new URL(page.url()).origin}/r/${number}`);
  const figure = page.getByRole('figure');
  await expect(figure.getByText('长按识别或保存', { exact: true })).toBeVisible();
  await expect(figure.getByText(number.replace(/(.{4})(.{4})(.{2})/, '$1 $2 $3'), { exact: true })).toBeVisible();
  // No personal data on the receipt, and none kept in the browser.
  const body = await page.locator('main').innerText();
  for (const secret of [ADULT, ADULT_2, '13812345678', '解放路']) expect(body).not.toContain(secret);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  for (const secret of [ADULT, '13812345678', '张三']) expect(stored).not.toContain(secret);
  await audit('receipt');
});

test('every rule of the form is explained where it applies, and fixing it lets the applicant on @journey', async ({ page, request }) => {
  const flow = new ApplyFlow(page);
  await flow.start(await seedChecklist(request));

  // Nothing given: every required field is named in the summary, which takes focus.
  await flow.fill('企业名称', '');
  await flow.next();
  const empty = await flow.errors();
  expect(empty.length).toBeGreaterThanOrEqual(5);
  await flow.expectError('企业名称：请填写这一项。');
  // Its link goes to the field.
  await flow.errorSummary.getByRole('link', { name: /企业名称/ }).click();
  await expect(flow.field('企业名称')).toBeFocused();

  await flow.company();
  await flow.fill('企业名称', '云帆科技');
  await flow.fill('注册资本（出资额）', '一百万');
  await flow.fill('职工人数', '五');
  await flow.next();
  await flow.expectError(/企业名称：企业名称应以组织形式结尾/);
  await flow.expectError(/注册资本（出资额）：请填写金额/);
  await flow.expectError(/职工人数：请填写整数/);
  // What was typed is still there.
  await expect(flow.field('企业名称')).toHaveValue('云帆科技');
  await flow.fill('企业名称', '杭州市云帆(信息)科技有限公司');
  await flow.fill('注册资本（出资额）', '1000000');
  await flow.fill('职工人数', '5');
  await flow.next();
  await flow.expectError(/企业名称：请使用中文括号/);
  await flow.fill('企业名称', '杭州市云帆信息科技有限公司');
  await flow.next();

  await flow.expectSection('股东（投资人）');
  await flow.shareholder(1, { ...ZHANG, name: '张3', id: '330106198001010022', share: '60', capital: '600000', paidBy: '2040-01-01' });
  await flow.shareholder(2, { ...LI, idType: '护照', id: 'E12', share: '30', capital: '300000', paidBy: '2020-01-01', legalRep: true });
  await flow.next();
  await flow.expectError(/第 1 位 · 股东（投资人）姓名：姓名至少两个字/);
  await flow.expectError(/第 1 位 · 证件号码：身份证号码校验不通过/);
  await flow.expectError(/第 1 位 · 出资期限：有限责任公司的认缴出资须在成立之日起 5 年内缴足/);
  await flow.expectError(/第 2 位 · 证件号码：证件号码应为 5–30 位字母或数字/);
  await flow.expectError(/第 2 位 · 出资期限：出资期限不能早于今天/);
  await flow.expectError(/股东（投资人）：全体股东的持股比例合计须为 100%/);
  await flow.expectError(/请在股东中选择一位、且只能选一位担任法定代表人/);

  await flow.shareholder(1, { ...ZHANG, id: CHILD });
  await flow.shareholder(2, { ...LI, id: CHILD, share: '40', capital: '300000' });
  await flow.next();
  await flow.expectError(/第 1 位 · 证件号码：法定代表人在提交当天须年满 18 周岁/);
  await flow.expectError(/第 2 位 · 证件号码：同一位股东填了两次/);
  await flow.expectError(/认缴出资额合计须等于注册资本/);

  await flow.shareholder(1, ZHANG);
  await flow.shareholder(2, LI);
  await flow.next();

  await flow.expectSection('法定代表人');
  await flow.fill('法定代表人手机号码', '12345678901');
  await flow.next();
  await flow.expectError(/手机号码应以 13–19 开头/);
  await flow.fill('法定代表人手机号码', '13812345678');
  await flow.next();
  for (const [title, fill] of [
    ['印章刻制', async () => flow.fill('刻章企业', '杭州市上城区诚信刻章店')],
    ['发票申领', async () => {
      await flow.next();
      await flow.expectError('申领发票种类：请选择一项。');
      await flow.choose('申领发票种类', '数电发票（全面数字化的电子发票）');
    }],
    ['银行开户', async () => { await flow.chooseBank('中国工商银行', '上城区', '上城支行'); }],
    ['员工参保', async () => flow.fill('首次参保（缴存）月份', '2026-12-01')],
  ] as const) {
    await flow.expectSection(title);
    await fill();
    await flow.next();
  }
  await flow.expectSection('住房公积金');
  await flow.fill('公积金缴存比例', '20');
  await flow.next();
  await flow.expectError(/公积金缴存比例：数值太大/);
  await flow.fill('公积金缴存比例', '12');
  await flow.next();
  await flow.expectSection('申请人（经办人）');
  await flow.next();

  await flow.expectSection('领取方式');
  await flow.next();
  await flow.expectError(/请选择领取方式/);
  await flow.choose('办好后，证照怎么给您？', '免费邮寄（EMS）');
  await flow.fill('邮政编码（选填）', '31000');
  await flow.next();
  await flow.expectError(/证照邮寄地址：请填写这一项/);
  await flow.expectError(/邮政编码应为 6 位数字/);
  await flow.fill('证照邮寄地址', '杭州市上城区解放路 1 号');
  await flow.fill('邮政编码（选填）', '310000');
  await flow.next();

  await flow.expectSection('上传材料');
  await new MaterialsPage(page).goodSet();
  await flow.next();

  await flow.expectSection('各部门的承诺');
  await page.getByRole('checkbox', { name: '我已阅读并同意市场监督管理局的承诺' }).check();
  await flow.next();
  // Each department's declaration stands alone: one does not imply another.
  expect((await flow.errors()).length).toBe(5);
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  await flow.next();
  await flow.expectSection('核对您填写的信息');
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
});

test('a draft saved on one phone is resumed on another with the link and the ID number\'s last six @journey', async ({ page, request, browser }) => {
  const flow = new ApplyFlow(page);
  await flow.toLegalRep(await seedChecklist(request));
  // A reload (WeChat reloads after the camera) loses nothing. The page arrives with its top
  // drawn by the server (the step, its heading and hint; on the review, the help and what one
  // form saves), and the draft is asked for once, while the app is still on its way (on a slow
  // network, the form a round trip sooner); the app then draws the same in the same place.
  const asked: string[] = [];
  page.on('request', (r) => {
    if (/\/api\/v1\/drafts\/[^/?]+$/.test(r.url()) && r.method() === 'GET') asked.push('draft');
  });
  page.on('requestfinished', (r) => {
    if (r.url().endsWith('.wasm')) asked.push('app');
  });
  for (const [address, heading] of [['', '法定代表人'], ['/apply/review', '核对您填写的信息']]) {
    const arrive = await holdApp(page);
    if (address) await page.goto(address);
    else await page.reload();
    await flow.expectSection(heading);
    await expect(flow.step).toContainText(address ? '第 13 步，共 13 步' : '第 3 步，共 13 步');
    expect(await page.evaluate(() => 'wasmBindings' in window), 'the app arrived before the top was drawn').toBe(false);
    // Drawn by the server (from the draft the tab's cookie names), not by the app.
    await expect(page.locator('main [data-drawn]')).toHaveCount(address ? 5 : 3);
    // The review's answers, below the top, come from the tab's own draft (drawn by the
    // server for its key, never in the page), and 提交申请 waits for the app.
    if (address) await expect(page.getByRole('button', { name: '确认无误，提交申请' })).toBeEnabled();
    const answers = () =>
      page.locator('main').evaluate((main) =>
        [...main.querySelectorAll('.ot-summary-list__row, h2, form button')].map((e) => `${e.textContent} @${Math.round(e.getBoundingClientRect().top)}`),
      );
    const early = [...(await flow.top()), ...(address ? await answers() : [])];
    if (address) expect(early.join()).toContain('李四');
    arrive();
    if (address) {
      // Nothing needs the app until a key or 提交申请 is pressed.
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => 'wasmBindings' in window), 'the review\'s app downloaded unasked').toBe(false);
      await page.keyboard.press('Shift');
    }
    await expect.poll(() => page.evaluate(() => 'wasmBindings' in window)).toBe(true);
    await expect(page.getByRole('link', { name: '保存并稍后继续' })).toBeVisible();
    await expect.poll(async () => [...(await flow.top()), ...(address ? await answers() : [])]).toEqual(early);
    await page.unroute('**/*.wasm');
  }
  expect(asked).toEqual(['draft', 'app', 'draft', 'app']);
  // A second tab shares the cookie but not the draft: the top drawn for the cookie's draft is
  // never shown there, and the tab says it has no application in progress.
  const tab = await page.context().newPage();
  const arrive = await holdApp(tab);
  await tab.goto('/apply/review');
  await expect(tab.locator('main [data-drawn]')).toHaveCount(5);
  expect(await tab.locator('main h1[data-drawn]').isVisible(), 'the other draft\'s top shown').toBe(false);
  arrive();
  await expect(tab.getByText('没有找到进行中的申请。', { exact: false })).toBeVisible();
  await tab.close();
  await page.goBack();
  await flow.expectSection('法定代表人');
  await page.getByRole('link', { name: '保存并稍后继续' }).click();
  await expect(flow.layout.heading).toHaveText('保存并稍后继续');
  await expect(page.getByText(/草稿保留到 \d{4}-\d{2}-\d{2}/)).toBeVisible();
  await expect(page.getByText('在另一台设备打开时，需要输入证件号码的后 6 位。')).toBeVisible();
  await expect(page.getByRole('img', { name: '续填链接二维码' })).toBeVisible();
  const link = await page.getByRole('link', { name: /\/apply\/resume\// }).innerText();
  // The resume link carries a token only: no personal data.
  expect(link).not.toContain(ADULT);
  expect(link).toMatch(/\/apply\/resume\/[0-9A-Z]{22}$/);

  const other = await browser.newContext({ locale: 'zh-CN', viewport: { width: 412, height: 915 }, isMobile: true });
  const phone = await other.newPage();
  const second = new ApplyFlow(phone);
  await phone.goto(new URL(link).pathname);
  await expect(second.layout.heading).toHaveText('继续填写申请');
  await phone.getByLabel('身份证号码后 6 位，或您设置的 6 位密码').fill('999999');
  await phone.getByRole('button', { name: '打开草稿' }).click();
  await expect(phone.getByRole('alert').filter({ hasText: '验证信息不对' })).toBeVisible();
  await phone.getByLabel('身份证号码后 6 位，或您设置的 6 位密码').fill(ADULT.slice(-6));
  await phone.getByRole('button', { name: '打开草稿' }).click();
  // It opens at the first section still to fill in, with everything given so far.
  await second.expectSection('法定代表人');
  await expect(second.field('法定代表人（负责人）姓名')).toHaveValue('张三');
  await phone.getByText('全部步骤').click();
  await phone.getByRole('link', { name: '股东（投资人）' }).click();
  await expect(second.field('股东（投资人）姓名', 2)).toHaveValue('李四');
  await other.close();
});

test('a step reloaded is whole before its app, which comes when a field is used and keeps what is typed @journey', async ({ page, request, audit }) => {
  const flow = new ApplyFlow(page);
  await flow.toLegalRep(await seedChecklist(request));
  // The shareholders again, on a fresh page (WeChat reloads, the back button after a while):
  // the fields are drawn by the server, two rows as the draft has, without values, which the
  // page's script puts in from the tab's own draft; the 230 KB app is not needed to read them.
  const arrive = await holdApp(page);
  await page.goto('/apply/s/shareholders');
  await flow.expectSection('股东（投资人）');
  await expect(flow.field('股东（投资人）姓名', 2)).toHaveValue('李四');
  await expect(flow.field('证件号码', 1)).toHaveValue(ZHANG.id);
  await expect(flow.scope(1).getByRole('radio', { name: '是', exact: true })).toBeChecked();
  await expect(flow.scope(2).getByRole('radio', { name: '否', exact: true })).toBeChecked();
  await expect(flow.field('认缴出资额', 2)).toHaveValue(LI.capital);
  await audit('a step drawn before its app');
  const layout = () =>
    page.locator('main').evaluate((main) =>
      [...main.querySelectorAll('legend, label, input, button, summary')].map((e) => {
        const box = e.getBoundingClientRect();
        const value = e instanceof HTMLInputElement ? (e.type === 'radio' ? String(e.checked) : e.value) : '';
        return `${e.tagName} ${e.textContent} ${value} @${Math.round(box.top + window.scrollY)}`;
      }),
    );
  const early = await layout();
  arrive();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => 'wasmBindings' in window), 'the step\'s app downloaded unasked').toBe(false);
  // Typing starts the app; what is typed while it arrives stays, and so does the caret.
  const name = flow.field('股东（投资人）姓名', 2);
  await name.click();
  await name.press('End');
  await name.pressSequentially('明');
  await expect.poll(() => page.evaluate(() => 'wasmBindings' in window)).toBe(true);
  await expect(name).toHaveValue('李四明');
  await expect(name).toBeFocused();
  await expect.poll(async () => (await layout()).join('\n')).toEqual(early.join('\n').replace('李四 @', '李四明 @'));
  await page.unroute('**/*.wasm');
  await flow.next();
  await flow.expectSection('法定代表人');
  await page.goBack();
  await expect(flow.field('股东（投资人）姓名', 2)).toHaveValue('李四明');
});

test('a double tap and a retried submission make one application @journey', async ({ page, request }) => {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm();

  // The first answer is lost on the way back (a timeout on a bad network): the app sends the
  // same request again with the same Idempotency-Key.
  const answers: { status: number; number: string; key: string }[] = [];
  let dropped = false;
  await page.route('**/api/v1/applications', async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    answers.push({ status: response.status(), number: json.number, key: route.request().headers()['idempotency-key'] });
    if (!dropped) {
      dropped = true;
      await route.abort('timedout');
    } else {
      await route.fulfill({ response });
    }
  });
  await flow.submitButton().dblclick();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  const number = new URL(page.url()).pathname.slice(3);
  expect(answers.length).toBe(2);
  expect(answers[0].status).toBe(201);
  expect(answers[1].status).toBe(200);
  expect(answers[1].key).toBe(answers[0].key);
  expect(answers.map((a) => a.number)).toEqual([number, number]);
  const receipt = await (await request.get(`/api/v1/applications/${number}`)).json();
  expect(receipt.number).toBe(number);
});

test('storage full at submission: the 503 keeps every answer on the page, and the next tap submits once @journey', async ({ page, request }) => {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm();

  // The server's answer when its storage is full (crates/server/tests/storage_full.rs makes
  // the real one): 503, Retry-After, the error envelope.
  const keys: string[] = [];
  await page.route('**/api/v1/applications', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      // With the headers our server puts on every answer (taken from a real one).
      const real = await route.fetch({ url: new URL('/api/health', route.request().url()).toString(), method: 'GET' });
      const { 'content-length': _length, ...headers } = real.headers();
      await route.fulfill({
        status: 503,
        headers: { ...headers, 'content-type': 'application/json', 'retry-after': '5' },
        body: JSON.stringify({
          error: {
            code: 'unavailable',
            message: '系统存储空间暂时不足，这次没有保存。您填写的内容都还在，请稍后再试。',
            request_id: 'e2e-storage-full',
          },
        }),
      });
    } else {
      await route.continue();
    }
  });
  await flow.submitButton().click();
  await expect(page.getByRole('alert')).toContainText('您填写的内容没有丢失');
  await expect(page).toHaveURL(/\/apply\/review$/);
  await expect(page.getByText('杭州市上城区诚信刻章店')).toBeVisible();

  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  expect(keys.length).toBe(2);
  expect(keys[1]).toBe(keys[0]);
});

test('a dropped connection keeps the answers, says so, and saves when it is back @journey', async ({ page, request }) => {
  const flow = new ApplyFlow(page);
  await flow.start(await seedChecklist(request));
  await flow.company();
  // The network goes while the applicant continues.
  await page.route('**/api/v1/drafts/*', (route) => (route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue()));
  const saved = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/api/v1/drafts/'));
  await flow.next();
  await saved;
  await flow.expectSection('股东（投资人）');
  await expect(page.getByRole('status').filter({ hasText: '网络不通' })).toBeVisible({ timeout: 15_000 });
  await page.getByText('全部步骤').click();
  await page.getByRole('link', { name: '企业基本信息' }).click();
  await expect(flow.field('企业名称')).toHaveValue('杭州市云帆信息科技有限公司');
  // Back on line: the retry goes through and the notice goes away.
  await page.unroute('**/api/v1/drafts/*');
  await expect(page.getByRole('status').filter({ hasText: '网络不通' })).toBeHidden({ timeout: 15_000 });
  const token = await page.evaluate(() => sessionStorage.getItem('onetrip.draft')!.split(':'));
  const draft = await (await request.get(`/api/v1/drafts/${token[0]}`, { headers: { 'X-Draft-Key': token[1] } })).json();
  expect(draft.data.values['company.name']).toBe('杭州市云帆信息科技有限公司');
});
