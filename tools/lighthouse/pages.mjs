// Lighthouse on the pages `e2e/tests/pages.bench.spec.ts` wrote down, run by `cargo xtask bench`:
//
//   node pages.mjs <base url> <pages.json> <runs> <out.json>
//
// Each run is a fresh Chromium (an empty cache and profile). The page is opened the way the
// applicant's phone would open it: the tab first holds what the app had put in sessionStorage,
// localStorage and cookies (set on a same-origin address that loads none of the app), then Lighthouse
// loads the page with its mobile defaults (simulated 150 ms RTT, 1.6 Mbps, 4x CPU slowdown)
// and without clearing that storage. Writes every run's figures as JSON.

import { readFileSync, writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [base, pagesFile, runsArg, outFile] = process.argv.slice(2);
const runs = Number(runsArg);
const targets = JSON.parse(readFileSync(pagesFile, 'utf8'));
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const args = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function once(target) {
  const browser = await puppeteer.launch({ executablePath, args, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/api/health`);
    await page.evaluate(({ session, local, cookies }) => {
      for (const [k, v] of Object.entries(session)) sessionStorage.setItem(k, v);
      for (const [k, v] of Object.entries(local)) localStorage.setItem(k, v);
      for (const c of cookies ?? []) document.cookie = `${c.name}=${c.value}; path=${c.path}; samesite=strict`;
    }, target);
    const result = await lighthouse(
      `${base}${target.path}`,
      { output: 'json', onlyCategories: ['performance'], disableStorageReset: true, logLevel: 'error' },
      undefined,
      page,
    );
    const lhr = result.lhr;
    // LIGHTHOUSE_REPORTS=<dir>: keep each whole report (the LCP element, the requests) to read.
    if (process.env.LIGHTHOUSE_REPORTS) {
      writeFileSync(`${process.env.LIGHTHOUSE_REPORTS}/${target.name.replace(/\W+/g, '-')}-${Date.now()}.json`, result.report);
    }
    if (lhr.runtimeError) throw new Error(`${target.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const audit = (k) => lhr.audits[k]?.numericValue ?? null;
    // What the budget counts: the HTML, CSS, JS and wasm on the wire (not the API's JSON,
    // images or fonts, which total-byte-weight adds).
    const requests = lhr.audits['network-requests']?.details?.items ?? [];
    const shell = requests
      .filter((r) => ['Document', 'Stylesheet', 'Script'].includes(r.resourceType) || r.mimeType === 'application/wasm' || /\.wasm$/.test(r.url))
      .reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
    return {
      score: lhr.categories.performance.score,
      fcp: audit('first-contentful-paint'),
      lcp: audit('largest-contentful-paint'),
      tbt: audit('total-blocking-time'),
      cls: audit('cumulative-layout-shift'),
      tti: audit('interactive'),
      shell,
      bytes: audit('total-byte-weight'),
      finalUrl: lhr.finalDisplayedUrl,
    };
  } finally {
    await browser.close();
  }
}

const report = [];
for (const target of targets) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    // Lighthouse now and then fails to record a trace (NO_NAVSTART): such a run is repeated.
    let last;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        samples.push(await once(target));
        last = undefined;
        break;
      } catch (e) {
        last = e;
      }
    }
    if (last) throw last;
  }
  report.push({ name: target.name, path: target.path, samples });
  process.stderr.write(`lighthouse: ${target.name} (${target.path}) measured ${runs} times\n`);
}
writeFileSync(outFile, JSON.stringify(report, null, 2));
