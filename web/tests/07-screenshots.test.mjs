// Screenshots of the main screens — light and dark, wide (1280×800) and phone (390×844) —
// saved as target/screenshots/<screen>-<wide|phone>-<light|dark>.png for people to look
// at. While taking them it checks what a person would notice at once: the screen is there,
// nothing spills sideways off a phone's screen, and the page reported no error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance, newContext, startWeft, launchBrowser, screenshot, signInThroughForm, LOOKS, ADMIN } from './lib/weft.mjs';
import { seedWorkspace } from './lib/seed.mjs';
import { appScreens, openScreen } from './lib/screens.mjs';

let env;
let seeded;
let signedIn; // Ana's cookies, reused by every look

before(async () => {
  env = await freshInstance();
  seeded = await seedWorkspace(env);
  signedIn = await env.context.storageState();
});

after(async () => {
  await env?.cleanup();
});

/** Whether the page is wider than its window (something spills off the side). */
const overflow = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'fixed';
      })
      .filter((el) => !el.closest('[aria-hidden="true"], .sr-only'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (right edge ${Math.round(el.getBoundingClientRect().right)})`);
    return { scroll: document.documentElement.scrollWidth > width, wide };
  });

/** Problems a page reported, less the ones that are not the app's (a missing favicon). */
const pageProblems = (context) => context.problems.filter((p) => !/favicon/.test(p));

test('the setup and sign-in pages, in every look', async () => {
  const weft = await startWeft();
  const browser = await launchBrowser();
  try {
    for (const look of LOOKS) {
      const { name, ...options } = look;
      const context = await newContext(browser, options);
      const page = await context.newPage();
      await page.goto(`${weft.url}/setup`);
      await page.getByRole('button', { name: 'Create account and workspace' }).waitFor();
      await screenshot(page, `setup-${name}`);
      assert.equal((await overflow(page)).scroll, false, `setup spills sideways (${name})`);
      await context.close();
    }
  } finally {
    await browser.close();
    await weft.stop();
  }
  for (const look of LOOKS) {
    const { name, ...options } = look;
    const context = await newContext(env.browser, options);
    const page = await context.newPage();
    await signInThroughForm(page, env.weft.url, { email: ADMIN.email, password: 'wrong password' });
    await page.getByRole('alert').waitFor();
    await screenshot(page, `login-error-${name}`);
    assert.equal((await overflow(page)).scroll, false, `sign-in spills sideways (${name})`);
    await context.close();
  }
});

for (const look of LOOKS) {
  test(`the app's main screens (${look.name})`, async () => {
    const { name, ...options } = look;
    const context = await newContext(env.browser, { ...options, storageState: signedIn });
    const page = await context.newPage();
    const spills = [];
    for (const screen of appScreens(env.workspaceId, seeded)) {
      await openScreen(page, env.weft.url, screen);
      await screenshot(page, `${screen[0]}-${name}`);
      const o = await overflow(page);
      if (o.scroll) spills.push(`${screen[0]}: ${o.wide.join(', ')}`);
    }
    if (name.startsWith('phone')) {
      // On a phone the sidebar is a pane of its own: open it from the inbox.
      await openScreen(page, env.weft.url, appScreens(env.workspaceId, seeded)[0]);
      const opener = page.getByRole('button', { name: /menu|sidebar|channels|navigation/i }).first();
      if ((await opener.count()) > 0) {
        await opener.click();
        await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /Planning/ }).waitFor();
        await screenshot(page, `sidebar-${name}`);
      }
    }
    assert.deepEqual(spills, [], `screens wider than the ${options.viewport.width}px window`);
    assert.deepEqual(pageProblems(context), [], 'errors reported by the page');
    await context.close();
  });
}
