import { writeFileSync } from 'node:fs';
import { test, expect } from '../fixtures';
import { ApplyFlow, ZHANG, seedChecklist } from '../pages/apply';
import { TrackPage } from '../pages/track';

// Run by `cargo xtask bench` only (project `bench`, BENCH=1, LIGHTHOUSE_PAGES set): one real
// 企业开办 application, from the checklist to its progress page, through the app itself. At
// each of the seven pages Lighthouse measures, what a fresh phone needs to open it the way
// this applicant would is written down: the page's path and what the tab and the device hold
// (the draft's token and key in sessionStorage and in the cookie the server draws a step's
// top with, 我的办件 in localStorage; never an ID or phone number, which the privacy scan
// checks on every run of the suite).

type Cookie = { name: string; value: string; path: string };
type Target = { name: string; path: string; session: Record<string, string>; local: Record<string, string>; cookies: Cookie[] };

test('the seven pages Lighthouse measures, with real data @bench', async ({ page, request }) => {
  const out = process.env.LIGHTHOUSE_PAGES;
  test.skip(!out, 'LIGHTHOUSE_PAGES names the file to write');
  test.setTimeout(180_000);
  const targets: Target[] = [];
  const keep = async (name: string) => {
    const { session, local } = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
    const cookies = (await page.context().cookies()).map(({ name, value, path }) => ({ name, value, path }));
    targets.push({ name, path: new URL(page.url()).pathname, session, local, cookies });
  };
  const flow = new ApplyFlow(page);

  await page.goto('/');
  await expect(flow.layout.heading).toBeVisible();
  await keep('home');

  await page.goto('/matters/bank-account');
  await expect(flow.layout.heading).toBeVisible();
  await keep('matter guide');

  const id = await seedChecklist(request);
  await page.goto(`/c/${id}`);
  await expect(page.getByRole('link', { name: '在线申请' })).toBeVisible();
  await keep('bundle checklist');

  await flow.start(id);
  await flow.company();
  await flow.next();
  await flow.expectSection('股东（投资人）');
  await keep('form step');
  await flow.shareholder(1, { ...ZHANG, share: '100', capital: '1000000' });
  await flow.next();
  await flow.restOfForm();
  await keep('review');

  // The receipt and the progress of a second application: submitting this one would end its
  // draft, and Lighthouse would then measure the form step and the review as 没有找到进行中的申请.
  await flow.start(id);
  await flow.company();
  await flow.next();
  await flow.shareholder(1, { ...ZHANG, share: '100', capital: '1000000' });
  await flow.next();
  await flow.restOfForm();
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  await expect(page.getByRole('status').getByText('申请编号', { exact: true })).toBeVisible();
  await keep('receipt');

  await page.getByRole('link', { name: '查看办理进度' }).click();
  await new TrackPage(page).expectStatus('预审中');
  await keep('tracking');

  for (const t of targets) {
    const held = JSON.stringify(t);
    expect(held, `${t.name} would carry an ID number`).not.toContain(ZHANG.id);
    expect(held, `${t.name} would carry a phone number`).not.toContain('13812345678');
  }
  writeFileSync(out!, JSON.stringify(targets, null, 2));
});
