import { test, expect } from '../fixtures';
import { ApplyFlow } from '../pages/apply';
import { MaterialsPage } from '../pages/materials';

// Run by `cargo xtask bench` only (project `bench`, BENCH=1): how long the phone takes to make a
// 12-megapixel photo small enough to send, and how small, without and with 4x CPU slowdown.

/** A 4000 x 3000 JPEG that compresses like a photo of a page: paper with lighting, grain and
 * text, about 3 to 5 MB at quality 0.92. */
async function twelveMegapixels(page: import('@playwright/test').Page, seed: number): Promise<Buffer> {
  const base64 = await page.evaluate(async (seed) => {
    const w = 4000, h = 3000;
    const canvas = new OffscreenCanvas(w, h);
    const c = canvas.getContext('2d')!;
    const g = c.createLinearGradient(0, 0, w, h);
    g.addColorStop(0, '#f4f1e8');
    g.addColorStop(1, '#c9c3b4');
    c.fillStyle = g;
    c.fillRect(0, 0, w, h);
    c.fillStyle = '#1a1a1a';
    c.font = '64px sans-serif';
    for (let y = 160, i = 0; y < h - 100; y += 96, i++) c.fillText(`第 ${i + 1} 行 房屋租赁合同 出租人 承租人 坐落 ${seed}-${i}`, 200, y);
    const img = c.getImageData(0, 0, w, h);
    let s = seed * 9301 + 49297;
    for (let i = 0; i < img.data.length; i += 4) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const n = (s % 17) - 8;
      img.data[i] += n; img.data[i + 1] += n; img.data[i + 2] += n;
    }
    c.putImageData(img, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let out = '';
    for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(out);
  }, seed);
  return Buffer.from(base64, 'base64');
}

test('a 12-megapixel photo is made smaller on the phone before it is sent @bench', async ({ page, request }) => {
  test.setTimeout(180_000);
  const flow = new ApplyFlow(page);
  await flow.startAtMaterials(request);
  const m = new MaterialsPage(page);
  const cdp = await page.context().newCDPSession(page);
  for (const [i, rate] of [1, 1, 1, 4, 4, 4].entries()) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const photo = await twelveMegapixels(page, i + 1);
    const logged = page.waitForEvent('console', (msg) => msg.text().startsWith('onetrip:compress'));
    await m.photoInput('房屋租赁合同').setInputFiles({ name: `IMG_${i}.jpg`, mimeType: 'image/jpeg', buffer: photo });
    const [, original, sent, ms] = (await logged).text().split(' ');
    console.log(`BENCH compress cpu=${rate}x original=${original} sent=${sent} ms=${ms}`);
    expect(Number(sent)).toBeLessThanOrEqual(600 * 1024);
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
});
