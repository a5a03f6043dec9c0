// Screenshots of the conversations, search and settings screens, wide and phone, light and
// dark (the same way as screenshots.mjs). Development only; saved under target/screenshots/.
// Expects a server seeded by seed.mjs and seed-conversations.mjs.
//
//   WEFT_URL=http://127.0.0.1:18431 node scripts/screenshots-more.mjs [name-prefix]

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(path.dirname(web), 'target', 'screenshots');
const base = process.env.WEFT_URL ?? 'http://127.0.0.1:18431';
const ws = process.env.WEFT_WS ?? '1';
const only = process.argv[2];

/** name, address, and what to do on the page before the picture. */
const screens = [
  ['conversations', `/a/${ws}/msg`],
  ['conversation', `/a/${ws}/msg/1`],
  ['conversation-group', `/a/${ws}/msg/2`],
  ['conversation-search', `/a/${ws}/msg/1`, async (page) => {
    await page.click('button[aria-label="Search in this conversation"]');
    await page.fill('.find-bar input', 'thread');
    await page.keyboard.press('Enter');
  }],
  ['new-conversation', `/a/${ws}/msg`, async (page) => {
    await page.click('main button:has-text("New conversation")');
    await page.keyboard.type('a');
    await page.keyboard.press('Enter');
  }],
  ['search-empty', `/a/${ws}/search`],
  ['search', `/a/${ws}/search?q=empty`],
  ['search-filtered', `/a/${ws}/search?q=plan&where=ch:2&from=3`],
  ['search-none', `/a/${ws}/search?q=zebra`],
  ['settings-profile', `/a/${ws}/settings/profile`],
  ['settings-timezone', `/a/${ws}/settings/profile`, async (page) => {
    await page.click('#tz-input');
    await page.keyboard.type('new y');
  }],
  ['settings-hours', `/a/${ws}/settings/hours`],
  ['settings-away', `/a/${ws}/settings/away`],
  ['settings-notifications', `/a/${ws}/settings/notifications`],
];
const sizes = [
  ['wide', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
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
    for (const [sizeName, viewport] of sizes) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, timezoneId: 'Europe/Lisbon' });
      await signIn(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
      for (const [name, url, act] of screens) {
        if (only && !name.startsWith(only)) continue;
        await page.goto(`${base}${url}`);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(400);
        if (act) {
          try {
            await act(page);
            await page.waitForTimeout(400);
          } catch (e) {
            console.error(`${name}: ${e.message}`);
          }
        }
        const file = path.join(out, `${name}-${sizeName}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
