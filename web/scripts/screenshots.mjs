// Screenshots of the main screens, wide and phone, light and dark, for looking at the app
// as a user would. Development only; saved under target/screenshots/ (not committed).
//
//   WEFT_URL=http://127.0.0.1:18431 WEFT_EMAIL=ana@example.com WEFT_PASSWORD=… npm run screenshots
//
// Signs in through the server's /login form. With WEFT_TOKEN set instead, it serves the
// shell and dist/ itself and adds the bearer token to API calls — a stand-in for servers
// that do not serve the app yet; the app itself only ever uses the session cookie.

import { chromium } from 'playwright-core';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(path.dirname(web), 'target', 'screenshots');
const base = process.env.WEFT_URL ?? 'http://127.0.0.1:18431';
const ws = process.env.WEFT_WS ?? '1';
const only = process.argv[2];

const screens = [
  ['inbox', `/a/${ws}/inbox`],
  ['channel', `/a/${ws}/ch/${process.env.WEFT_CHANNEL ?? '2'}`],
  ['thread', `/a/${ws}/ch/${process.env.WEFT_CHANNEL ?? '2'}/t/${process.env.WEFT_THREAD ?? '1'}`],
  ['thread-design', `/a/${ws}/ch/3/t/2`],
  ['emergency', `/a/${ws}/ch/4/t/5`],
  ['saved', `/a/${ws}/saved`],
  ['search', `/a/${ws}/search?q=plan`],
];
const sizes = [
  ['wide', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
];

async function signIn(context) {
  const token = process.env.WEFT_TOKEN;
  if (token) {
    const shell = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="csrf-token" content="dev"><title>Weft</title><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script></head><body><div id="app"></div></body></html>`;
    await context.route(`${base}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname.startsWith('/api/')) {
        return route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } });
      }
      if (url.pathname === '/assets/app.js' || url.pathname === '/assets/app.css') {
        const body = await readFile(path.join(web, 'dist', path.basename(url.pathname)));
        return route.fulfill({ body, contentType: url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css' });
      }
      return route.fulfill({ body: shell, contentType: 'text/html' });
    });
    return;
  }
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', process.env.WEFT_EMAIL ?? 'ana@example.com');
  await page.fill('input[name=password]', process.env.WEFT_PASSWORD ?? 'correct horse battery');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit], input[type=submit]')]);
  await page.close();
}

await mkdir(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  for (const scheme of ['light', 'dark']) {
    for (const [sizeName, viewport] of sizes) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, timezoneId: 'Europe/Lisbon' });
      await signIn(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
      for (const [name, url] of screens) {
        if (only && !name.startsWith(only)) continue;
        await page.goto(`${base}${url}`);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(400);
        const file = path.join(out, `${name}-${sizeName}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
      if (!only || only === 'extras') {
        await page.goto(`${base}/a/${ws}/inbox`);
        await page.waitForTimeout(500);
        await page.keyboard.press('?');
        await page.waitForTimeout(200);
        await page.screenshot({ path: path.join(out, `shortcuts-${sizeName}-${scheme}.png`) });
        await page.keyboard.press('Escape');
        await page.goto(`${base}/a/${ws}/ch/2`);
        await page.waitForTimeout(500);
        await page.keyboard.press('c');
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(out, `new-thread-${sizeName}-${scheme}.png`) });
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
