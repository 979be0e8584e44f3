import { test, expect } from '../fixtures';
import { HomePage } from '../pages/home';
import { GuidePage } from '../pages/guide';
import { FeedbackBox } from '../pages/feedback';
import { Layout } from '../pages/layout';

// Whole journeys, on the Android phone and in WeChat's browser.

test('finding out what starting a company takes @journey', async ({ page, audit, request }) => {
  const detail = await (await request.get('/api/v1/bundles/company-startup')).json();
  const bank = await (await request.get('/api/v1/matters/bank-account')).json();
  const home = new HomePage(page);
  await home.goto();
  // The lists come from the server's catalogue.
  await expect(home.bundleLink('企业开办')).toBeVisible();
  await expect(home.popular.getByRole('listitem')).toHaveCount(8);

  await home.bundleLink('企业开办').click();
  const guide = new GuidePage(page);
  await guide.expectTitle('企业开办');
  await expect(guide.fact('跑动次数')).toHaveText(detail.summary.trips === 0 ? '一次不用跑' : '最多跑一次');
  await expect(guide.fact('承诺时限')).toHaveText(`${detail.summary.promised_days} 个工作日`);
  await expect(guide.members.getByRole('listitem')).toHaveCount(detail.members.length);
  await audit('bundle page after navigation');

  await page.getByRole('link', { name: '银行开户', exact: true }).click();
  await guide.expectTitle('银行开户');
  await expect(page.getByRole('heading', { name: '为什么需要跑一次' })).toBeVisible();
  await expect(page.getByText(bank.matter.trip_reason)).toBeVisible();

  // The back button (and Android's back key) returns to the previous page.
  await page.goBack();
  await guide.expectTitle('企业开办');
  await page.goBack();
  await expect(home.layout.heading).toHaveText('办什么事？');
});

test('elder mode is remembered and really enlarges text and controls @journey', async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await home.layout.setElderMode(true);
  await page.reload();
  await expect(home.layout.elderToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(home.bundleLink('企业开办')).toBeVisible();

  // Body text at least 18 px; main controls at least 60 x 60 px (axe does not check these).
  const bodySize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(bodySize).toBeGreaterThanOrEqual(18);
  const smallest = await page.evaluate(() =>
    Math.min(...[...document.querySelectorAll('p, li, dd, dt, a, button')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
  );
  expect(smallest, 'smallest text in elder mode').toBeGreaterThanOrEqual(18);
  const lineHeight = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return parseFloat(s.lineHeight) / parseFloat(s.fontSize);
  });
  expect(lineHeight).toBeGreaterThanOrEqual(1.3);
  for (const button of await page.getByRole('button').all()) {
    const box = await button.boundingBox();
    expect(box!.height, await button.innerText()).toBeGreaterThanOrEqual(60);
    expect(box!.width, await button.innerText()).toBeGreaterThanOrEqual(60);
  }
  const link = await home.bundleLink('企业开办').boundingBox();
  expect(link!.height).toBeGreaterThanOrEqual(60);

  // The viewport never blocks zooming.
  const viewport = await page.locator('meta[name=viewport]').getAttribute('content');
  expect(viewport).not.toMatch(/maximum-scale|user-scalable/);

  await home.layout.setElderMode(false);
  const normal = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(normal).toBeLessThan(18);
});

test('English is one tap away and remembered @journey', async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await home.layout.englishToggle.click();
  await expect(home.layout.heading).toHaveText('What do you need to do?');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(home.bundles.getByRole('link', { name: 'Starting a company' })).toBeVisible();
  await home.layout.chineseToggle.click();
  await expect(home.layout.heading).toHaveText('办什么事？');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('an unreachable server shows a message and a retry that works @journey', async ({ page }) => {
  // The home page arrives drawn by the server; the next page is asked for by the app.
  const home = new HomePage(page);
  await home.goto();
  await page.route('**/api/v1/views/for/person*', (route) => route.abort('internetdisconnected'));
  await page.getByRole('link', { name: '个人办事' }).first().click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('暂时连不上服务器');
  await page.unroute('**/api/v1/views/for/person*');
  await alert.getByRole('button', { name: '重试' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('个人办事');
});

test('feedback: checked in the browser, sent once, thanked @journey', async ({ page, audit }) => {
  await page.goto('/matters/bank-account');
  const box = new FeedbackBox(page);
  await box.no.click();
  await expect(box.comment).toBeFocused();
  await box.comment.fill('我的电话是 138 0013 8000，面签能否约周末？');
  await box.send.click();
  // The same rule as the server: the error summary takes focus and names the problem.
  await expect(box.errorSummary).toBeFocused();
  await expect(box.errorSummary).toContainText('请删除意见中的身份证号或手机号');
  await expect(box.comment).toHaveAttribute('aria-invalid', 'true');
  // What the user typed is still there.
  await expect(box.comment).toHaveValue(/面签能否约周末/);
  await audit('feedback with an error');

  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/feedback') && r.method() === 'POST') posts.push(r.headers()['idempotency-key']);
  });
  await box.comment.fill('面签能否约周末？');
  await box.send.click();
  await expect(box.thanks).toBeVisible();
  expect(posts).toHaveLength(1);
  expect(posts[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('keyboard: the skip link leads to the content @journey', async ({ page }) => {
  await new HomePage(page).goto();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到主要内容' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('an engine that cannot run the app says so instead of a blank page @journey', async ({ page }) => {
  // Pretend to be an old WeChat X5 kernel: WebAssembly without reference types.
  await page.addInitScript(() => {
    WebAssembly.validate = () => false;
    // And stop the app from starting, as such an engine would.
    (WebAssembly as unknown as { instantiateStreaming: unknown }).instantiateStreaming = () => new Promise(() => {});
    (WebAssembly as unknown as { instantiate: unknown }).instantiate = () => new Promise(() => {});
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: '请升级微信或在浏览器中打开' })).toBeVisible();
});

test('feedback survives a dropped connection: retried with one key, stored once @journey', async ({ page }) => {
  await page.goto('/bundles/newborn');
  const box = new FeedbackBox(page);
  const sent: { key: string; body: string }[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/feedback')) sent.push({ key: r.headers()['idempotency-key'], body: r.postData() ?? '' });
  });
  // The network drops every attempt: the app retries by itself, then offers 重试.
  await page.route('**/api/v1/feedback', (route) => route.abort('connectionreset'));
  await box.no.click();
  await box.send.click();
  const retry = box.region.getByRole('button', { name: '重试' });
  await expect(retry).toBeVisible({ timeout: 15_000 });
  await expect(box.region.getByRole('alert')).toContainText('您填写的内容没有丢失');
  await page.unroute('**/api/v1/feedback');
  await retry.click();
  await expect(box.thanks).toBeVisible();
  // Every attempt, automatic or by hand, is the same request with the same key.
  expect(sent.length).toBeGreaterThanOrEqual(2);
  expect(new Set(sent.map((s) => s.key)).size).toBe(1);
  expect(new Set(sent.map((s) => s.body)).size).toBe(1);
  expect(JSON.parse(sent[0].body)).toEqual({ page: '/bundles/newborn', useful: false, comment: null });
});

test('guidance pages arrive drawn: readable before the app runs, and nothing moves when it starts @journey', async ({ browser, page }) => {
  // Without JavaScript (or before the wasm arrives) the server's page is already there.
  const off = await browser.newContext({ javaScriptEnabled: false, viewport: page.viewportSize() ?? undefined });
  const still = await off.newPage();
  const headings = (p: typeof page) => p.getByRole('main').getByRole('heading').allInnerTexts();
  const links = (p: typeof page) => p.getByRole('main').getByRole('link').allInnerTexts();
  const paths: [string, string][] = [
    ['/', '办什么事？'],
    ['/matters/company-registration', '企业设立登记'],
    ['/bundles/company-startup', '企业开办'],
  ];
  for (const [path, title] of paths) {
    await still.goto(path);
    await expect(still.getByRole('heading', { level: 1 }).first()).toHaveText(title);
    await expect(still.getByText('正在加载…')).toHaveCount(0);
    // The settings need the app: shown, and disabled until it runs.
    await expect(still.getByRole('button', { name: '长辈模式' })).toBeDisabled();
    const drawn = {
      headings: (await headings(still)).filter((h) => h !== '请开启 JavaScript'),
      links: (await links(still)).filter((l) => l !== '12345'),
    };
    expect(drawn.links.length, `${path}: links`).toBeGreaterThan(1);

    // With the app: the same page once it has started, and no layout shift on the way.
    await page.goto(path);
    await new Layout(page).ready();
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let sum = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) sum += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(sum), 300);
        }),
    );
    expect(shift, `${path}: cumulative layout shift`).toBeLessThanOrEqual(0.02);
    expect({ headings: await headings(page), links: (await links(page)).filter((l) => l !== '12345') }, path).toEqual(drawn);
    expect(await page.title()).toBe(await still.title());
  }
  await off.close();
});

test('a reader never downloads the app; the first press starts it and is not lost @journey', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  // Reading a guide: the page is complete, and nothing more is fetched.
  await page.goto('/matters/company-registration');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('企业设立登记');
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  expect(wasm, 'the app downloaded by a reader').toEqual([]);
  // Its links lead to other drawn pages.
  await page.getByRole('main').getByRole('link').filter({ hasText: '企业开办' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('企业开办');
  expect(wasm).toEqual([]);

  // On a slow network: the app arrives two seconds after the first press.
  await page.route('**/*.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, 2_000));
    await route.continue();
  });
  const layout = new Layout(page);
  await layout.elderToggle.click();
  // 长辈模式 answers at once, and holds once the app has taken over.
  await expect(layout.elderToggle).toHaveAttribute('aria-pressed', 'true', { timeout: 500 });
  await page.waitForFunction(() => 'wasmBindings' in window);
  expect(wasm.length).toBe(1);
  await expect(layout.elderToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(layout.elderToggle).toBeFocused();
  await page.reload();
  await expect(layout.elderToggle).toHaveAttribute('aria-pressed', 'true');
  await layout.ready();
  await layout.setElderMode(false);

  // A search typed and sent before the app has arrived is sent once it has.
  await page.goto('/');
  const home = new HomePage(page);
  await home.searchBox.click();
  await page.keyboard.type('营业执照');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => 'wasmBindings' in window), 'the app arrived before the search was sent').toBe(false);
  await expect(page).toHaveURL(/\/search\?/);
  await expect(home.searchBox).toHaveValue('营业执照');
  await expect(page.getByRole('main').getByRole('link').first()).toBeVisible();
});
