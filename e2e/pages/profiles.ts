/**
 * Browser profiles a test opens by itself (a fresh context), beside the projects of the
 * config: WeChat's built-in browser on Android, as our citizens and often our staff use it.
 */
import { devices, type BrowserContextOptions } from '@playwright/test';

export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 ' +
  '(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 ' +
  'MMWEBSDK/20231202 MMWEBID/2585 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 ' +
  'Weixin NetType/WIFI Language/zh_CN ABI/arm64';

/** A fresh WeChat-on-Pixel-7 context's options (Chinese, China time). */
export function wechat(): BrowserContextOptions {
  const { defaultBrowserType: _ignored, ...pixel } = devices['Pixel 7'];
  return { ...pixel, userAgent: WECHAT_UA, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
}
