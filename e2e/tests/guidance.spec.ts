import { test, expect } from '../fixtures';
import { HomePage } from '../pages/home';
import { GuidePage } from '../pages/guide';
import { QuestionPage, answerAll, questionnaire } from '../pages/questions';
import { ChecklistPage } from '../pages/checklist';

// 告知一口清: from what people type to the one-time checklist for their situation.

const GROUPS = {
  critical: '必须提交',
  deferrable: '可以先办理，之后补交（容缺受理）',
  optional: '选择提交',
  shared: '无需提交：政府部门已有',
};

test('开公司 finds 企业开办; the questions lead to its checklist @journey', async ({ page, audit, request }) => {
  const home = new HomePage(page);
  await home.goto();
  await home.search('开公司');
  await expect(page).toHaveURL(/\/search\?q=/);
  const firstResult = page.getByRole('main').getByRole('listitem').first().getByRole('link');
  await expect(firstResult).toHaveText('企业开办');
  await audit('search results');
  await firstResult.click();
  await new GuidePage(page).expectTitle('企业开办');
  await page.getByRole('link', { name: '回答问题，获取一次性告知单' }).click();

  // Continue without choosing: the error summary takes focus and names the problem.
  const form = new QuestionPage(page);
  await expect(form.question).toBeVisible();
  await form.continueButton.click();
  await expect(form.errorSummary).toBeFocused();
  await expect(form.errorSummary).toContainText('请选择一项');
  await audit('question with an error');

  // The last option everywhere: the least common situation, so the checklist differs from
  // the bundle page's typical one.
  const questions = await questionnaire(request, 'bundles/company-startup');
  const answers = await answerAll(page, questions, (q) => q.option[q.option.length - 1]);
  expect(Object.keys(answers).length).toBeGreaterThan(1);

  const checklist = new ChecklistPage(page);
  await checklist.expectLoaded();
  await expect(checklist.layout.heading).toHaveText('企业开办');
  await audit('checklist');

  // The QR code is an <img> (WeChat recognises it on long-press) of at least 240 px, and the
  // short code beside it is the page's id.
  const width = await checklist.qr.evaluate((img: HTMLImageElement) => img.naturalWidth);
  expect(width).toBeGreaterThanOrEqual(240);
  await expect(page.getByText(checklist.id().replace(/(.{4})(.{4})(.{2})/, '$1 $2 $3'))).toBeVisible();

  // Exactly the materials the catalogue gives this situation, each in its group.
  const fresh = await request.post('/api/v1/checklists', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: { subject: { kind: 'bundle', code: 'company-startup' }, answers },
  });
  expect(fresh.status()).toBe(201);
  const expected = (await fresh.json()).checklist;
  for (const [need, heading] of Object.entries(GROUPS)) {
    const names = expected.materials.filter((m: { need: string }) => m.need === need).map((m: { name: string }) => m.name);
    expect(await checklist.materials(heading), heading).toEqual(names);
  }
  // And the situation as answered.
  for (const line of expected.answers) {
    await expect(page.getByText(line.answer, { exact: true })).toBeVisible();
  }

  // The link works on its own, as on paper or on another phone.
  const id = checklist.id();
  await page.goto(`/c/${id}`);
  await checklist.expectLoaded();
  await expect(page.getByRole('link', { name: new RegExp(`/c/${id}$`) })).toBeVisible();
});

test('back returns to the previous question with its answer @journey', async ({ page, request }) => {
  const questions = await questionnaire(request, 'bundles/newborn');
  await page.goto('/bundles/newborn/questions');
  const form = new QuestionPage(page);
  await expect(form.question).toBeVisible();
  const first = form.key();
  const q = questions.find((g) => g.question.key === first)!.question;
  await form.choose(q.option[0].label);
  await expect(page).not.toHaveURL(new RegExp(`/questions/${first}$`));
  await page.goBack();
  await form.expectOnQuestion(q.text);
  await expect(page.getByRole('radio', { name: q.option[0].label, exact: true })).toBeChecked();
});

test('a matter on the negative list says why a trip is needed @journey', async ({ page, audit, request }) => {
  const guide = await (await request.get('/api/v1/matters/bank-account')).json();
  expect(guide.matter.trips).toBe(1);
  await page.goto('/matters/bank-account');
  await expect(page.getByText('跑动次数：最多跑一次')).toBeVisible();
  await expect(page.getByRole('heading', { name: '为什么需要跑一次' })).toBeVisible();
  await expect(page.getByText(guide.matter.trip_reason)).toBeVisible();
  await audit('negative-list guide');
});

test('elder mode and English switched in the middle of the questions @journey', async ({ page, request, audit }) => {
  const questions = await questionnaire(request, 'bundles/newborn');
  await page.goto('/bundles/newborn');
  await page.getByRole('link', { name: '回答问题，获取一次性告知单' }).click();
  const form = new QuestionPage(page);
  await expect(form.question).toBeVisible();
  const first = questions.find((g) => g.question.key === form.key())!.question;
  await form.expectOnQuestion(first.text);

  await form.layout.setElderMode(true);
  await form.layout.englishToggle.click();
  await form.expectOnQuestion(first.text_en);
  const size = await page.getByRole('radio').first().evaluate((e) => e.getBoundingClientRect().height);
  expect(size).toBeGreaterThanOrEqual(36);
  await audit('question in English, elder mode');

  // The rest in English, with the English labels.
  const answers = await answerAll(page, questions, (q) => ({ ...q.option[0], label: q.option[0].label_en }), undefined, true);
  const checklist = new ChecklistPage(page);
  await checklist.expectLoaded();
  const bundle = await (await request.get('/api/v1/bundles/newborn')).json();
  await expect(checklist.layout.heading).toHaveText(bundle.summary.name_en);
  await expect(page.getByRole('heading', { name: 'Required', exact: true })).toBeVisible();
  await audit('checklist in English, elder mode');
  expect(Object.keys(answers).length).toBeGreaterThan(0);

  await form.layout.chineseToggle.click();
  await expect(checklist.layout.heading).toHaveText(bundle.summary.name);
  // The choice goes with the phone's requests (the ot_prefs cookie): the next page the server
  // draws arrives in elder mode in its HTML, before any of its scripts has run.
  const drawn = await page.goto('/bundles/newborn');
  expect(await drawn!.text()).toContain('<html lang="zh-CN" class="ot-elder" data-prefs>');
  await expect(form.layout.elderToggle).toHaveAttribute('aria-pressed', 'true');
  await form.layout.setElderMode(false);
  expect(await (await page.goto('/bundles/newborn'))!.text()).toContain('<html lang="zh-CN" data-prefs>');
});
