/**
 * Reading a QR code the way a phone would: take the image the page shows (the bytes the
 * browser was given for its `<img>`), and decode it with an independent decoder (jsQR),
 * not with anything of ours.
 */
import { expect, type Locator } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** The text in a PNG QR code, or an error when there is none to read. */
export function decodePng(bytes: Buffer): string {
  const png = PNG.sync.read(bytes);
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!found) throw new Error('no QR code could be read from the image');
  return found.data;
}

/**
 * The text of the QR code shown by `image` (an `<img>`), checked to be shown at a size a
 * phone camera can read (at least 200 CSS px), fetched through the page's own session.
 */
export async function readQr(image: Locator): Promise<string> {
  await expect(image).toBeVisible();
  const box = await image.boundingBox();
  expect(box?.width ?? 0, 'QR code shown at least 200 CSS px wide').toBeGreaterThanOrEqual(200);
  const src = await image.evaluate((img: HTMLImageElement) => img.currentSrc || img.src);
  const response = await image.page().request.get(src);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('image/png');
  return decodePng(await response.body());
}
