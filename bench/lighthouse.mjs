// Lighthouse (mobile preset) for a list of pages, signed in as one user: the session cookie is set
// in the browser itself, so the page's websockets carry it too (Lighthouse's extra headers do not
// reach a websocket handshake). Called by bench/lighthouse.sh:
//   node bench/lighthouse.mjs <base url> <session cookie or -> <out dir> name:path [name:path ...]
// Each page is measured RUNS times (default 5) and the median run is kept, as Lighthouse's own
// guidance on variability advises: one run's total blocking time swings by 100 ms on a shared box.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, '.lighthouse', 'node_modules');
const load = (name, file) => import(pathToFileURL(path.join(modules, name, file)).href);
const { default: lighthouse } = await load('lighthouse', 'core/index.js');
const chromeLauncher = await load('chrome-launcher', 'dist/index.js');
const { default: puppeteer } = await load('puppeteer-core', 'lib/esm/puppeteer/puppeteer-core.js');
const { computeMedianRun } = await load('lighthouse', 'core/lib/median-run.js');
const RUNS = Number(process.env.RUNS || 5);

const [base, session, outDir, ...pages] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const cookies = [{ name: 'analytics_consent', value: 'declined', url: base }];
  for (const page of pages) {
    const [name, pagePath] = page.split(/:(.*)/s);
    const signedIn = session !== '-' && !['landing', 'pricing'].includes(name);
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const tab = await browser.newPage();
      const client = await tab.createCDPSession();
      await client.send('Network.clearBrowserCookies');
      for (const cookie of signedIn ? [...cookies, { name: 'sessionid', value: session, url: base }] : cookies) {
        await client.send('Network.setCookie', cookie);
      }
      const result = await lighthouse(base + pagePath, {
        port: chrome.port, output: 'json', logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
      });
      runs.push(result.lhr);
      await tab.close();
    }
    // A run Lighthouse could not finish (no first paint: its runtimeError says why) is reported and
    // left out of the median; a page with no good run at all stops the benchmark.
    const good = runs.filter((lhr) => typeof lhr.audits['first-contentful-paint']?.numericValue === 'number');
    for (const lhr of runs.filter((r) => !good.includes(r))) {
      console.error(`${name}: a run failed: ${lhr.runtimeError?.code || 'no first paint'} ${lhr.runtimeError?.message || ''}`);
    }
    if (!good.length) throw new Error(`${name}: no run of ${RUNS} finished`);
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(computeMedianRun(good)));
    const scores = runs.map((lhr) => (good.includes(lhr) ? Math.round(lhr.categories.performance.score * 100) : 'failed'));
    fs.writeFileSync(path.join(outDir, `${name}.runs`), scores.join(' '));
  }
  await browser.disconnect();
} finally {
  chrome.kill();
}
