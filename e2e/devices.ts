/** WeChat's in-app browser on Android (XWEB): the user agent of the `wechat` project, also
 * used by tests that open a link "on another phone, from WeChat" in a fresh context. */
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 ' +
  '(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 ' +
  'MMWEBSDK/20231202 MMWEBID/2585 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 ' +
  'Weixin NetType/WIFI Language/zh_CN ABI/arm64';
