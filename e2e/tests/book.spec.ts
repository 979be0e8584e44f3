import { test, expect } from '../fixtures';
import { BookPage } from '../pages/book';
import { wechat } from '../pages/profiles';
import { readQr } from '../pages/qr';
import { STAFF_PASSWORD } from '../pages/staff';
import { StaffApp } from '../pages/staffApp';

// 窗口预约: 往来港澳通行证首次申领 is on the negative list (one trip, to have the photo and
// fingerprints taken). From its guide the applicant books a slot at a hall's window, sees the
// confirmation with what to bring and the check-in QR code, cancels, and books again. Runs on
// the phone and WeChat projects with axe on every page (elder mode once, at the form).
test.describe.configure({ timeout: 120_000 });

/** A valid resident ID number (born 1985-03-15), different for each test run and project. */
function idNumber(seq: number): string {
  const body = `33010619850315${String(seq % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

test('book the one trip of a negative-list matter, cancel it and book again @journey', async ({ page, audit, baseURL }, info) => {
  const seq = (Date.now() + info.parallelIndex * 7 + (info.project.name === 'wechat' ? 500 : 0)) % 1000;
  const id = idNumber(seq);
  const mobile = `139${String(10_000_000 + seq * 17).slice(-8)}`;
  await page.goto('/matters/exit-entry-permit');
  await page.getByRole('link', { name: '网上预约到窗口办理' }).click();
  const book = new BookPage(page);
  await expect(book.heading()).toHaveText('预约到窗口办理：往来港澳通行证首次申领');
  await audit('booking form');

  // Nothing chosen and nothing typed: every problem at once, in Chinese.
  await book.submit();
  const summary = page.getByRole('alert').filter({ hasText: '请检查' });
  await expect(summary).toContainText('请选择预约时段');
  await expect(summary).toContainText('身份证');
  await audit('booking form with errors');

  // The second day, a time with seats left (the tests of both projects share the slots).
  await book.day(/^\S+ 周/).nth(1).check();
  const free = page.getByRole('group', { name: '时段' }).getByRole('radio', { disabled: false });
  const time = (await free.nth(info.project.name === 'wechat' ? 3 : 2).getAttribute('id'))!;
  const timeLabel = (await page.locator(`label[for="${time}"]`).innerText()).split('\n')[0];
  await page.locator(`#${time}`).check();
  await book.fillPerson('王小明', id, mobile);
  await book.submit();
  await expect(book.heading()).toHaveText('预约成功');
  await expect(page).toHaveURL(/\/book\/b\/[0-9A-Z]{22}$/);
  expect(page.url()).not.toContain(id);
  await expect(book.fact('时间')).toContainText(timeLabel);
  await expect(book.fact('预约人')).toHaveText('王**');
  await expect(page.getByRole('main')).toContainText('本人居民身份证原件');
  const url = await readQr(book.checkinQr());
  expect(url).toMatch(new RegExp(`^${baseURL}/k/[0-9A-Z]{8}$`));
  await expect(page.getByRole('main')).toContainText('长按识别或保存');
  await audit('booking confirmed');
  // Nothing typed is kept in the browser.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).not.toContain(id);
  expect(stored).not.toContain(mobile);

  // Booking the same matter again is refused while this one stands.
  await page.goto('/book/exit-entry-permit');
  await book.day(/^\S+ 周/).nth(1).check();
  await page.getByRole('group', { name: '时段' }).getByRole('radio', { disabled: false }).last().check();
  await book.fillPerson('王小明', id, mobile);
  await book.submit();
  await expect(page.getByRole('alert').filter({ hasText: '请检查' })).toContainText('您已经预约了这个事项');
  await page.goBack();

  // Cancel, then book again from the cancelled page.
  await expect(book.heading()).toHaveText('预约成功');
  await book.cancel();
  await expect(book.fact('状态')).toHaveText('已取消');
  await expect(book.checkinQr()).toHaveCount(0);
  await audit('booking cancelled');
  await page.getByRole('link', { name: '重新预约' }).click();
  await expect(book.heading()).toHaveText('预约到窗口办理：往来港澳通行证首次申领');
  await page.getByRole('button', { name: '长辈模式' }).click();
  await book.day(/^\S+ 周/).nth(1).check();
  await page.locator(`#${time}`).check();
  await book.fillPerson('王小明', id, mobile);
  await audit('booking form, elder mode');
  await book.submit();
  await expect(book.heading()).toHaveText('预约成功');
  await expect(book.fact('时间')).toContainText(timeLabel);
});

test('the window checks a booking in from its QR code, having seen the identity card @journey', async ({ page, browser, request, audit, auditPage }, info) => {
  test.skip(!STAFF_PASSWORD, 'needs the demo staff accounts (STAFF_PASSWORD)');
  const seq = (Date.now() + 250 + info.parallelIndex * 11 + (info.project.name === 'wechat' ? 500 : 0)) % 1000;
  // Booked through the API, the third day's first free slot at the second window.
  const slots = await (await request.get('/api/v1/matters/exit-entry-permit/slots')).json();
  const window = slots.windows[1];
  const day = window.days[2];
  const slot = day.slots.find((s: { left: number }) => s.left > 0);
  const res = await request.post('/api/v1/bookings', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: {
      matter: 'exit-entry-permit', hall: window.hall, window: window.window, date: day.date, start: slot.start,
      name: '李四', id_number: idNumber(seq), mobile: `138${String(10_000_000 + seq * 13).slice(-8)}`,
    },
  });
  expect(res.status()).toBe(201);
  const booking = await res.json();
  await page.goto(`/book/b/${booking.token}`);
  const book = new BookPage(page);
  await expect(book.heading()).toHaveText('预约成功');
  const url = await readQr(book.checkinQr());

  // At the hall: a phone in WeChat scans it, the window signs in and sees the booking.
  const hall = await browser.newContext(wechat());
  const staffPage = await hall.newPage();
  await staffPage.goto(url);
  const staff = new StaffApp(staffPage);
  await staff.signIn('window');
  await expect(staff.heading).toHaveText('预约签到');
  await expect(staffPage.getByRole('main')).toContainText(`${slot.start}–${slot.end}`);
  await expect(staffPage.getByRole('main')).toContainText('李*');
  await expect(staffPage.getByRole('region', { name: '需现场核验' })).toContainText('本人居民身份证原件');
  await auditPage(staffPage, 'booking check-in');
  await staffPage.getByRole('button', { name: '确认到场（已核验身份证原件）' }).click();
  await expect(staffPage.getByRole('status').filter({ hasText: '已确认到场' })).toBeFocused();
  await hall.close();

  // The applicant's page says so.
  await page.reload();
  await expect(book.fact('状态')).toHaveText('已到场');
  await expect(page.getByRole('button', { name: '取消预约' })).toHaveCount(0);
  await audit('booking, arrived');
});
