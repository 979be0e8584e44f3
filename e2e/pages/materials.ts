import { expect, Locator, Page } from '@playwright/test';

/** A file as Playwright hands it to a file input. */
export type Upload = { name: string; mimeType: string; buffer: Buffer };

/**
 * A photo of a document made in the browser (OffscreenCanvas): a page of text lines with a
 * heading, distinct per `label` so that no two photos are the same file. `blur` smears it the
 * way a shaking hand does; `dark` takes a photo in a dim room.
 */
export async function photo(
  page: Page,
  label: string,
  opts: { width?: number; height?: number; blur?: number; dark?: boolean; type?: 'image/jpeg' | 'image/png' } = {},
): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ label, width, height, blur, dark, type }) => {
      const sharp = new OffscreenCanvas(width, height);
      const c = sharp.getContext('2d')!;
      c.fillStyle = dark ? '#222' : '#fdfdf8';
      c.fillRect(0, 0, width, height);
      c.fillStyle = dark ? '#333' : '#111';
      c.font = `bold ${Math.round(height / 14)}px sans-serif`;
      c.fillText(label, width * 0.06, height * 0.12);
      c.font = `${Math.round(height / 30)}px sans-serif`;
      for (let y = height * 0.2, i = 0; y < height * 0.95; y += height / 22, i++) {
        c.fillText(`第 ${i + 1} 行 ${label} 住所 杭州市上城区 ${'口'.repeat(8 + (i % 7))} ${i * 37}`, width * 0.06, y);
      }
      c.strokeStyle = c.fillStyle;
      c.lineWidth = 4;
      c.strokeRect(width * 0.03, height * 0.03, width * 0.94, height * 0.94);
      let out = sharp;
      if (blur) {
        out = new OffscreenCanvas(width, height);
        const b = out.getContext('2d')!;
        b.filter = `blur(${blur}px)`;
        b.drawImage(sharp, 0, 0);
      }
      const blob = await out.convertToBlob({ type, quality: 0.92 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    { label, width: opts.width ?? 1600, height: opts.height ?? 1200, blur: opts.blur ?? 0, dark: opts.dark ?? false, type: opts.type ?? 'image/jpeg' },
  );
  return Buffer.from(base64, 'base64');
}

export async function jpeg(page: Page, label: string, name = 'IMG_0001.jpg', opts = {}): Promise<Upload> {
  return { name, mimeType: 'image/jpeg', buffer: await photo(page, label, opts) };
}

/** A plain PDF of `pages` pages, written by hand with a correct cross-reference table. */
export function pdf(pages: number, title = 'document'): Buffer {
  const objects: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) {
    const content = `BT /F1 24 Tf 72 720 Td (${title} page ${i + 1}) Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${4 + i * 2} 0 R /Resources << /Font << /F1 ${3 + pages * 2} 0 R >> >> >>`);
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The materials step (上传材料) and the supplement page (补交材料): one region per material. */
export class MaterialsPage {
  constructor(readonly page: Page) {}

  material(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  /** The photo input of a material (and side: 人像面, 国徽面). */
  photoInput(name: string, side?: string): Locator {
    return this.material(name).getByLabel(side ? `拍照或选择照片（${name} ${side}）` : `拍照或选择照片（${name}）`);
  }

  pdfInput(name: string, side?: string): Locator {
    return this.material(name).getByLabel(side ? `选择 PDF 文件（${name} ${side}）` : `选择 PDF 文件（${name}）`);
  }

  files(name: string): Locator {
    return this.material(name).getByRole('listitem');
  }

  /** Wait until every file of a material is uploaded. */
  async expectUploaded(name: string, count: number) {
    await expect(this.files(name).filter({ hasText: '已上传' })).toHaveCount(count, { timeout: 30_000 });
  }

  /** A good set for 企业开办 (limited company, rented premises, with staff): both sides of
   * the ID card, the articles as a PDF, the lease as a photo; the staff list deferred. */
  async goodSet() {
    await this.photoInput('居民身份证', '人像面').setInputFiles(await jpeg(this.page, '身份证 人像面', 'IMG_1001.jpg', { width: 1600, height: 1000 }));
    await this.photoInput('居民身份证', '国徽面').setInputFiles(await jpeg(this.page, '身份证 国徽面', 'IMG_1002.jpg', { width: 1600, height: 1000 }));
    await this.pdfInput('公司章程').setInputFiles({ name: '章程.pdf', mimeType: 'application/pdf', buffer: pdf(2, 'articles') });
    await this.photoInput('房屋租赁合同').setInputFiles(await jpeg(this.page, '租赁合同 第一页', 'IMG_1003.jpg'));
    await this.defer('参保（缴存）职工名册');
    await this.expectUploaded('居民身份证', 2);
    await this.expectUploaded('公司章程', 1);
    await this.expectUploaded('房屋租赁合同', 1);
  }

  async defer(name: string) {
    await this.material(name).getByRole('checkbox', { name: /暂不上传，我承诺在受理后 \d+ 个工作日内补交/ }).check();
  }
}
