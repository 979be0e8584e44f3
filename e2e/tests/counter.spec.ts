import { test, expect } from '../fixtures';
import { ADULT, ApplyFlow } from '../pages/apply';
import { wechat } from '../pages/profiles';
import { readQr } from '../pages/qr';
import { STAFF_PASSWORD } from '../pages/staff';
import { StaffApp } from '../pages/staffApp';
import { TrackPage } from '../pages/track';

// 办件码, the phone-to-counter hand-off (最多跑一次): 企业开办 includes 银行开户, which still
// needs one trip. The applicant shows the counter code on the progress page; the window
// scans it on a phone inside WeChat (the QR image decoded by jsQR, not by our code, and its
// link opened in a fresh context), signs in, checks in person and accepts from there. A revoked
// code is refused; the new one is typed by hand, as a USB scanner would type it.
test.skip(!STAFF_PASSWORD, 'needs the demo staff accounts (STAFF_PASSWORD)');
test.describe.configure({ timeout: 240_000 });

const ID_OR_PHONE = /\d{17}[\dX]|1[3-9]\d{9}/;

test('the window opens the application from the counter QR code and accepts it @journey', async ({ page, browser, request, audit, auditPage, baseURL }) => {
  const flow = new ApplyFlow(page);
  await flow.startSoleOwner(request);
  await flow.restOfForm();
  await flow.submitButton().click();
  await expect(page).toHaveURL(/\/r\/[0-9A-Z]{10}$/);
  const number = new URL(page.url()).pathname.slice(3);
  await page.getByRole('link', { name: '查看办理进度' }).click();
  const track = new TrackPage(page);
  await track.expectStatus('预审中');
  await expect(track.todo()).toContainText('有事项需要到窗口办理一次');

  // 出示办件码: one QR code, big enough, with what to do and the code to type beside it.
  await track.todo().getByRole('link', { name: '出示办件码' }).click();
  await track.counter().getByRole('button', { name: '出示办件码' }).click();
  const url = await readQr(track.counterQr());
  const code = url.slice(-8);
  expect(url).toBe(`${baseURL}/k/${code}`);
  expect(url).not.toMatch(ID_OR_PHONE);
  expect(url).not.toContain(ADULT.slice(-6));
  await expect(track.counter()).toContainText('长按识别或保存');
  await expect(track.counter()).toContainText(`${code.slice(0, 4)} ${code.slice(4)}`);
  await expect(track.counter()).toContainText('有效至');
  await expect(page.getByRole('img', { name: /二维码/ })).toHaveCount(1);
  await audit('progress with its counter code');

  // At the window: a phone in WeChat scans it; the link asks for a sign-in and says why.
  const hall = await browser.newContext(wechat());
  const staffPage = await hall.newPage();
  await staffPage.goto(url);
  await expect(staffPage).toHaveURL(`/staff/counter/${code}`);
  const staff = new StaffApp(staffPage);
  await expect(staffPage.getByText('这是申请人在窗口出示的办件码')).toBeVisible();
  await staff.signIn('window');
  await expect(staff.heading).toHaveText(`办件 ${number}`);
  const inPerson = staffPage.getByRole('region', { name: '需现场核验' });
  await expect(inPerson).toContainText('身份证原件');
  await expect(inPerson).toContainText('银行开户');
  const review = staffPage.getByRole('region', { name: '材料预审结果' });
  await expect(review.getByRole('row', { name: /居民身份证/ })).toContainText('预审通过');
  await expect(review.getByRole('row', { name: /公司章程/ })).toContainText('预审通过');
  await expect(staffPage.getByRole('region', { name: '申请表' })).toContainText(ADULT);
  await auditPage(staffPage, 'counter view in WeChat');

  // The applicant revokes the code (say a photo of it went round) and shows a new one.
  await track.counter().getByRole('button', { name: '作废办件码' }).click();
  await track.counter().getByRole('button', { name: '出示办件码' }).click();
  await expect(track.counterQr()).toBeVisible();
  const renewed = (await readQr(track.counterQr())).slice(-8);
  expect(renewed).not.toBe(code);

  // The old one is refused; the new one, typed by hand in lower case with a space, opens it.
  await staff.lookUpCounter(code);
  await expect(staffPage.getByRole('alert')).toContainText('已作废');
  await staff.lookUpCounter(`${renewed.slice(0, 4).toLowerCase()} ${renewed.slice(4)}`);
  await expect(staff.heading).toHaveText(`办件 ${number}`);
  await auditPage(staffPage, 'counter view after typing the code');

  // 受理 from there; the applicant's page follows and no longer offers a code.
  const accept = staff.form('受理');
  await accept.getByRole('button', { name: '受理' }).click();
  await expect(staff.status(/受理/)).toBeFocused();
  await track.expectStatus('办理中');
  await expect(track.counter()).toHaveCount(0);
  await hall.close();
});
