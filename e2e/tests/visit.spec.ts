import { test, expect } from '../fixtures';
import { Layout } from '../pages/layout';
import { ApplyFlow, seedChecklist } from '../pages/apply';

// Every page once, on every device profile: it renders, fits the screen, and passes axe in
// normal and elder mode.
const pages = [
  { path: '/', heading: '办什么事？' },
  { path: '/bundles/company-startup', heading: '企业开办' },
  { path: '/bundles/newborn', heading: '新生儿出生' },
  { path: '/matters/bank-account', heading: '银行开户' },
  { path: '/matters/company-registration', heading: '企业设立登记' },
  { path: '/search?q=%E5%BC%80%E5%85%AC%E5%8F%B8', heading: '搜索结果' },
  { path: '/for/person', heading: '个人办事' },
  { path: '/for/company', heading: '法人办事' },
  { path: '/departments/amr', heading: '市场监督管理局' },
  { path: '/matters/rental-filing', heading: '房屋租赁登记备案' },
  { path: '/matters/commercial-performance-permit', heading: '营业性演出许可' },
  { path: '/matters/exit-entry-permit', heading: '往来港澳通行证首次申领' },
  { path: '/book/exit-entry-permit', heading: '预约到窗口办理：往来港澳通行证首次申领' },
  { path: '/no/such/page', heading: '找不到这个页面' },
];

for (const { path, heading } of pages) {
  test(`${path} renders, fits and is accessible @visit`, async ({ page, audit, consoleErrors }) => {
    const layout = new Layout(page);
    await page.goto(path);
    await expect(layout.heading).toHaveText(heading);
    await expect(layout.hotline).toHaveAttribute('href', 'tel:12345');
    await layout.expectNoHorizontalScroll();
    await audit(`${path} (normal)`);

    await layout.setElderMode(true);
    await layout.expectNoHorizontalScroll();
    await audit(`${path} (长辈模式)`);
    expect(consoleErrors).toEqual([]);
  });
}

test('the application flow\'s consent page and first section render, fit and are accessible @visit', async ({ page, request, audit, consoleErrors }) => {
  const layout = new Layout(page);
  const flow = new ApplyFlow(page);
  await page.goto(`/apply/c/${await seedChecklist(request)}`);
  await expect(layout.heading).toHaveText('个人信息处理规则');
  await layout.expectNoHorizontalScroll();
  await audit('consents');
  await flow.start(new URL(page.url()).pathname.split('/').pop()!);
  await flow.next();
  await flow.errors();
  await layout.expectNoHorizontalScroll();
  await audit('company section with errors (normal)');
  await layout.setElderMode(true);
  await layout.expectNoHorizontalScroll();
  await audit('company section with errors (长辈模式)');
  expect(consoleErrors).toEqual([]);
});
