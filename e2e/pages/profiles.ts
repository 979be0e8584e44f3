/**
 * Browser profiles a test opens by itself (a fresh context), beside the projects of the
 * config: WeChat's built-in browser on Android, as our citizens and often our staff use it.
 */
import { devices, type BrowserContextOptions } from '@playwright/test';
import { WECHAT_UA } from '../devices';

export { WECHAT_UA };

/** A fresh WeChat-on-Pixel-7 context's options (Chinese, China time). */
export function wechat(): BrowserContextOptions {
  const { defaultBrowserType: _ignored, ...pixel } = devices['Pixel 7'];
  return { ...pixel, userAgent: WECHAT_UA, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
}
