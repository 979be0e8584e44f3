/**
 * Reading a printed page the way a printer would get it: the PDF Chromium makes of the page
 * with its print styles (`page.pdf()`), read back with pdf.js (its text per page and the images
 * each page paints), not with anything of ours.
 */

/** One printed page: its text with every white space removed (so wrapped lines join), and how
 * many images it paints. */
export type PrintedPage = { text: string; images: number };

// pdf.js is an ES module; this package compiles to CommonJS, so it is loaded with a real
// dynamic import (which the compiler would otherwise turn into require()).
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

export function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

/**
 * A CJK font maps one glyph to several code points (一 and the Kangxi radical ⼀, 长 and ⻓);
 * the PDF's text map names one of them, often the radical. So a printed radical (or
 * compatibility ideograph) may stand for a wanted Chinese character, but only for a few of
 * them in a row: two radicals side by side must not pass for any two characters.
 */
function isRadical(c: string): boolean {
  const n = c.codePointAt(0)!;
  return (n >= 0x2e80 && n <= 0x2fdf) || (n >= 0xf900 && n <= 0xfaff);
}

function isHan(c: string): boolean {
  const n = c.codePointAt(0)!;
  return n >= 0x3400 && n <= 0x9fff;
}

/** Where `wanted` was printed in `text` (from `from` on, in code points), or -1; at most
 * `share` of its characters may be matched by a radical. */
export function indexInPrint(text: string, wanted: string, from = 0, share = 1 / 3): number {
  const t = Array.from(text);
  const w = Array.from(wanted);
  const most = Math.floor(w.length * share);
  for (let i = Math.max(0, from); i + w.length <= t.length; i++) {
    let loose = 0;
    let j = 0;
    for (; j < w.length; j++) {
      if (t[i + j] === w[j]) continue;
      if (isRadical(t[i + j]) && isHan(w[j]) && ++loose <= most) continue;
      break;
    }
    if (j === w.length) return i;
  }
  return -1;
}

export async function readPdf(bytes: Buffer): Promise<PrintedPage[]> {
  const pdfjs = await importModule('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  const pages: PrintedPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.map((item: { str?: string }) => item.str ?? '').join('');
    const ops = await page.getOperatorList();
    const images = ops.fnArray.filter((op: number) => op === pdfjs.OPS.paintImageXObject).length;
    pages.push({ text: squash(text), images });
  }
  await doc.destroy();
  return pages;
}

/**
 * Where each item (its text from first to last character, white space removed) was printed:
 * the page of its first and of its last characters, found in order through the document.
 * Printed text may carry more than the item's own (list bullets), never less.
 */
export function itemPages(pages: PrintedPage[], items: string[]): { item: string; first: number; last: number }[] {
  const all = pages.map((p) => p.text).join('');
  const ends: number[] = [];
  pages.reduce((sum, p) => {
    const length = Array.from(p.text).length;
    ends.push(sum + length);
    return sum + length;
  }, 0);
  const pageOf = (pos: number) => ends.findIndex((end) => pos < end) + 1;
  const found: { item: string; first: number; last: number }[] = [];
  let cursor = 0;
  for (const item of items) {
    const chars = Array.from(item);
    const head = chars.slice(0, 16).join('');
    const tail = chars.slice(-16).join('');
    const start = indexInPrint(all, head, cursor, 1 / 2);
    if (start < 0) throw new Error(`not printed: ${item}`);
    const end = indexInPrint(all, tail, start + chars.length - Array.from(tail).length, 1 / 2);
    if (end < 0) throw new Error(`end not printed: ${item}`);
    found.push({ item, first: pageOf(start), last: pageOf(end + Array.from(tail).length - 1) });
    cursor = end + Array.from(tail).length;
  }
  return found;
}
