// Accessibility: axe-core audits the main screens, in light and dark, and finds no
// violation of impact "serious" or "critical". axe is injected as a script; the app's CSP
// (rightly) forbids that, so the audited contexts — and only they — bypass the CSP.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axePath, freshInstance, newContext, startWeft, launchBrowser, signInThroughForm, ADMIN } from './lib/weft.mjs';
import { seedWorkspace } from './lib/seed.mjs';
import { appScreens, openScreen } from './lib/screens.mjs';

let env;
let seeded;

before(async () => {
  env = await freshInstance();
  seeded = await seedWorkspace(env);
});

after(async () => {
  await env?.cleanup();
});

/** Runs axe on the page; answers the serious and critical violations, readably. */
async function audit(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
}

const report = (violations) => JSON.stringify(violations, null, 2);

/** Fails with the violations, readably, when there are any. */
function assertNone(violations, where) {
  const count = Array.isArray(violations) ? violations.length : Object.keys(violations).length;
  if (count > 0) assert.fail(`serious or critical accessibility violations on ${where}:\n${report(violations)}`);
}

test('the setup page has no serious or critical accessibility violation', async () => {
  // The setup page only exists before the first account: a fresh instance of its own.
  const weft = await startWeft();
  const browser = await launchBrowser();
  try {
    for (const colorScheme of ['light', 'dark']) {
      const context = await newContext(browser, { bypassCSP: true, colorScheme });
      const page = await context.newPage();
      await page.goto(`${weft.url}/setup`);
      await page.getByRole('button', { name: 'Create account and workspace' }).waitFor();
      const violations = await audit(page);
      assertNone(violations, `setup (${colorScheme})`);
      await context.close();
    }
  } finally {
    await browser.close();
    await weft.stop();
  }
});

test('the sign-in page (also with an error) has no serious or critical accessibility violation', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const context = await newContext(env.browser, { bypassCSP: true, colorScheme });
    const page = await context.newPage();
    await page.goto(`${env.weft.url}/login`);
    let violations = await audit(page);
    assertNone(violations, `sign-in (${colorScheme})`);
    await signInThroughForm(page, env.weft.url, { email: ADMIN.email, password: 'wrong password' });
    await page.getByRole('alert').waitFor();
    violations = await audit(page);
    assertNone(violations, `sign-in with an error (${colorScheme})`);
    await context.close();
  }
});

for (const colorScheme of ['light', 'dark']) {
  test(`the app's main screens have no serious or critical accessibility violation (${colorScheme})`, async () => {
    const context = await newContext(env.browser, { bypassCSP: true, colorScheme });
    const page = await context.newPage();
    await signInThroughForm(page, env.weft.url, ADMIN);
    await page.waitForURL((u) => u.pathname.startsWith('/a/'));
    const found = {};
    for (const screen of appScreens(env.workspaceId, seeded)) {
      await openScreen(page, env.weft.url, screen);
      const violations = await audit(page);
      if (violations.length) found[screen[0]] = violations;
    }
    // Opened menus and dialogs are screens too: the user menu and "Browse channels".
    await openScreen(page, env.weft.url, appScreens(env.workspaceId, seeded)[0]);
    await page.getByRole('button', { name: 'Your menu' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    let violations = await audit(page);
    if (violations.length) found['user menu'] = violations;
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Browse channels' }).first().click();
    await page.getByRole('dialog').waitFor();
    violations = await audit(page);
    if (violations.length) found['browse channels'] = violations;
    assertNone(found, `the app's screens (${colorScheme})`);
    await context.close();
  });
}
