// Accessibility: axe-core finds no violation of impact "serious" or "critical" on the setup
// and sign-in pages, in light and dark. The app's screens are audited in 06-axe-light and
// 06-axe-dark (one file each, so that each stays well within a file's time limit).

import { test, before, after } from 'node:test';
import { freshInstance, newContext, startWeft, launchBrowser, signInThroughForm, ADMIN } from './lib/weft.mjs';
import { audit, assertNone } from './lib/axe.mjs';

let env;

before(async () => {
  env = await freshInstance();
});

after(async () => {
  await env?.cleanup();
});

test('the setup page has no serious or critical accessibility violation', async (t) => {
  // The setup page only exists before the first account: a fresh instance of its own.
  const weft = await startWeft();
  const browser = await launchBrowser();
  try {
    for (const colorScheme of ['light', 'dark']) {
      const context = await newContext(browser, { bypassCSP: true, colorScheme });
      const page = await context.newPage();
      await page.goto(`${weft.url}/setup`);
      await page.getByRole('button', { name: 'Create account and workspace' }).waitFor();
      const violations = await audit(page, t);
      assertNone(violations, `setup (${colorScheme})`);
      await context.close();
    }
  } finally {
    await browser.close();
    await weft.stop();
  }
});

test('the sign-in page (also with an error) has no serious or critical accessibility violation', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const context = await newContext(env.browser, { bypassCSP: true, colorScheme });
    const page = await context.newPage();
    await page.goto(`${env.weft.url}/login`);
    let violations = await audit(page, t);
    assertNone(violations, `sign-in (${colorScheme})`);
    await signInThroughForm(page, env.weft.url, { email: ADMIN.email, password: 'wrong password' });
    await page.getByRole('alert').waitFor();
    violations = await audit(page, t);
    assertNone(violations, `sign-in with an error (${colorScheme})`);
    await context.close();
  }
});
