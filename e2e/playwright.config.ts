import { defineConfig, devices } from '@playwright/test';
import { WECHAT_UA } from './devices';

// Runs against any deployment: BASE_URL=https://yici.example.cn npx playwright test
// (`cargo xtask test` starts the real server on a throwaway database and sets it).
const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';

// Debian's Chromium; Playwright's own browser download does not work offline.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

const common = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', launchOptions };

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { baseURL, trace: 'retain-on-failure' },
  projects: [
    // Full journeys and page visits.
    { name: 'pixel7', grepInvert: /@bench|@staff/, use: { ...devices['Pixel 7'], ...common } },
    { name: 'wechat', grepInvert: /@bench|@staff/, use: { ...devices['Pixel 7'], userAgent: WECHAT_UA, ...common } },
    // 工作人员端: staff work at desktops (one check at 320 px is inside the spec). Skipped
    // without STAFF_PASSWORD.
    { name: 'desktop', grep: /@staff/, use: { ...devices['Desktop Chrome'], ...common } },
    // Every page once.
    {
      name: 'iphone',
      grep: /@visit/,
      use: { ...devices['iPhone 14'], browserName: 'chromium', defaultBrowserType: 'chromium', ...common },
    },
    {
      name: 'narrow-320',
      grep: /@visit/,
      use: { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, ...common },
    },
    // Measurements, run by `cargo xtask bench` (BENCH=1), never by the test command.
    ...(process.env.BENCH ? [{ name: 'bench', grep: /@bench/, use: { ...devices['Pixel 7'], ...common } }] : []),
  ],
});
