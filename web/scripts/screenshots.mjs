// Screenshots of the main screens, wide and phone, light and dark, for looking at the app
// as a user would. Development only; saved under target/screenshots/ (not committed).
//
//   WEFT_URL=http://127.0.0.1:18431 WEFT_EMAIL=ana@example.com WEFT_PASSWORD=… npm run screenshots
//
// Signs in through the server's /login form, as a person would. Start the server with
// `--web-dir web/dist` to see the current build.

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
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
  ['phone', { width: 390, height: 844 }, { hasTouch: true, isMobile: true }],
];

async function signIn(context) {
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
    for (const [sizeName, viewport, device] of sizes) {
      // A phone is a touch screen (no hover): what people see there, actions included.
      const context = await browser.newContext({ viewport, ...device, colorScheme: scheme, timezoneId: 'Europe/Lisbon' });
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
        await page.keyboard.press('Escape');
        // The reply composer once someone starts writing (it is compact until then).
        await page.goto(`${base}/a/${ws}/ch/${process.env.WEFT_CHANNEL ?? '2'}/t/${process.env.WEFT_THREAD ?? '1'}`);
        await page.waitForTimeout(500);
        await page.focus('#reply-box');
        await page.waitForTimeout(200);
        await page.screenshot({ path: path.join(out, `reply-focused-${sizeName}-${scheme}.png`) });
        // The sidebar (on a phone, the pane behind the menu button), the user menu, browse channels.
        await page.goto(`${base}/a/${ws}/inbox`);
        await page.waitForTimeout(500);
        if (sizeName === 'phone') {
          await page.getByRole('button', { name: 'Show sidebar' }).click();
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(out, `sidebar-${sizeName}-${scheme}.png`) });
        }
        await page.getByRole('button', { name: /Your menu/ }).click();
        await page.waitForTimeout(200);
        await page.screenshot({ path: path.join(out, `user-menu-${sizeName}-${scheme}.png`) });
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Browse or create channels' }).click();
        await page.waitForTimeout(400);
        await page.screenshot({ path: path.join(out, `browse-${sizeName}-${scheme}.png`) });
        await page.keyboard.press('Escape');
        // The thread's overflow menu, and the emergency banner's details.
        await page.goto(`${base}/a/${ws}/ch/${process.env.WEFT_CHANNEL ?? '2'}/t/${process.env.WEFT_THREAD ?? '1'}`);
        await page.waitForTimeout(500);
        await page.getByRole('button', { name: 'Thread actions' }).click();
        await page.waitForTimeout(200);
        await page.screenshot({ path: path.join(out, `thread-menu-${sizeName}-${scheme}.png`) });
        await page.keyboard.press('Escape');
        const details = page.locator('.emergency-banner .emergency-text');
        if (await details.count()) {
          await details.first().click();
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(out, `emergency-open-${sizeName}-${scheme}.png`) });
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
