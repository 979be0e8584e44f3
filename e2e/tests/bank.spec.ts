import { test, expect } from '../fixtures';
import { ApplyFlow } from '../pages/apply';
import { STAFF_PASSWORD, StaffApi } from '../pages/staff';
import { StaffApp } from '../pages/staffApp';
import { TrackPage } from '../pages/track';

// 网上预约银行开户 inside 企业开办: the applicant chooses 杭州银行 and a branch (district, then
// branch); the window accepts through the API; the bank (demo account hzbank) confirms the
// face-to-face signing time in the staff app; the applicant's progress page shows the bank,
// the branch and the time; once the licence is granted the bank marks 已开户 and the applicant sees
// it. axe on the bank section, the staff form and the progress page.
test.skip(!STAFF_PASSWORD, 'needs the demo staff accounts (STAFF_PASSWORD)');
test.describe.configure({ timeout: 240_000 });

/** A working day (Monday to Friday) at least three days after today in China, `YYYY-MM-DD`. */
function signingDay(): string {
  const day = new Date(Date.now() + 8 * 3600_000 + 3 * 86_400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

test('the applicant books 杭州银行 and sees the signing time the bank confirmed @journey', async ({ page, browser, request, audit, auditPage, baseURL }) => {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm(
    async (title) => { if (title === '银行开户') await audit('bank section'); },
    undefined,
    ['杭州银行', '上城区', '上城支行'],
  );
  await expect(page.getByRole('main')).toContainText('杭州银行');
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  const number = new URL(page.url()).pathname.slice(3);

  const window = await StaffApi.signIn('window', baseURL!);
  await window.act(number, { action: 'accept' });
  await window.dispose();

  // The bank, in its own context: 确认面签时间 at the chosen branch.
  const date = signingDay();
  const { context, staff } = await StaffApp.open(browser, 'hzbank');
  await staff.openApplication(number);
  await expect(staff.heading).toHaveText(`办件 ${number}`);
  const form = staff.page.getByRole('form', { name: '确认面签时间' });
  await expect(form).toContainText('杭州银行上城支行');
  await auditPage(staff.page, 'staff: signing form');
  // Nothing filled in: both fields in the error summary.
  await form.getByRole('button', { name: '确认面签时间' }).click();
  await expect(form.getByRole('alert')).toContainText('请选择面签日期');
  await expect(form.getByRole('alert')).toContainText('请填写面签时间');
  await form.getByLabel('面签日期').fill(date);
  await form.getByLabel('面签时间').fill('10:00');
  await form.getByRole('button', { name: '确认面签时间' }).click();
  await expect(staff.page.getByText(`已确认面签时间：${date} 10:00。`)).toBeVisible();
  // 已开户 is not offered before the licence: the bank's matter waits for 企业设立登记.
  await expect(staff.page.getByRole('form', { name: '已开户' })).toHaveCount(0);
  const amr = await StaffApi.signIn('amr', baseURL!);
  await amr.act(number, { action: 'approve', matter: 'company-registration' });
  await amr.dispose();
  await staff.page.reload();
  const opened = staff.page.getByRole('form', { name: '已开户' });
  await opened.getByRole('button', { name: '已开户' }).click();
  await expect(staff.page.getByText('已登记开户。')).toBeVisible();
  await context.close();

  // The applicant's progress page.
  await page.goto(`/track/${number}`);
  const track = new TrackPage(page);
  await expect(track.main()).toContainText('杭州银行', { timeout: 25_000 });
  await expect(track.main()).toContainText('上城支行');
  await expect(track.main()).toContainText(`${date} 10:00`);
  await expect(track.main()).toContainText('已开户');
  await audit('progress with the signing time');
});
