// axe-core audits for the accessibility tests (06-axe*): one page, and the app's main
// screens with their menus and dialogs, in one colour scheme. axe is injected as a script;
// the app's CSP (rightly) forbids that, so the audited contexts — and only they — bypass the CSP.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axePath, freshInstance, newContext, signInThroughForm, ADMIN } from './weft.mjs';
import { seedWorkspace } from './seed.mjs';
import { appScreens, openScreen } from './screens.mjs';

/**
 * Violations already reported, as [rule, target] pairs: printed as diagnostics on every run,
 * not failed, so that anything new still fails. Remove an entry once it is fixed.
 */
const KNOWN = [];

/** Runs axe on the page; answers the serious and critical violations, readably. */
export async function audit(page, t) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const found = [];
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    const nodes = [];
    for (const n of v.nodes) {
      const target = n.target.join(' ');
      const line = `${target} — ${n.failureSummary.replace(/\s+/g, ' ')}`;
      if (KNOWN.some(([id, known]) => id === v.id && known === target)) t?.diagnostic(`known (not failed): ${v.id} ${line}`);
      else nodes.push(line);
    }
    if (nodes.length) found.push({ id: v.id, impact: v.impact, help: v.help, nodes: nodes.slice(0, 5) });
  }
  return found;
}

const report = (violations) => JSON.stringify(violations, null, 2);

/** Fails with the violations, readably, when there are any. */
export function assertNone(violations, where) {
  const count = Array.isArray(violations) ? violations.length : Object.keys(violations).length;
  if (count > 0) assert.fail(`serious or critical accessibility violations on ${where}:\n${report(violations)}`);
}

/**
 * Audits the main screens of the workspace `seeded` (seedWorkspace) in `colorScheme`, and
 * the menus and dialogs opened on them; fails with every violation found.
 */
export async function auditAppScreens(env, seeded, colorScheme, t) {
  const context = await newContext(env.browser, { bypassCSP: true, colorScheme });
  const page = await context.newPage();
  await signInThroughForm(page, env.weft.url, ADMIN);
  await page.waitForURL((u) => u.pathname.startsWith('/a/'));
  const found = {};
  for (const screen of appScreens(env.workspaceId, seeded)) {
    await openScreen(page, env.weft.url, screen);
    const violations = await audit(page, t);
    if (violations.length) found[screen[0]] = violations;
  }
  // Opened menus and dialogs are screens too: the user menu and "Browse channels".
  await openScreen(page, env.weft.url, appScreens(env.workspaceId, seeded)[0]);
  await page.getByRole('button', { name: 'Your menu' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  let violations = await audit(page, t);
  if (violations.length) found['user menu'] = violations;
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Browse channels' }).first().click();
  await page.getByRole('dialog').waitFor();
  violations = await audit(page, t);
  if (violations.length) found['browse channels'] = violations;
  await page.keyboard.press('Escape');
  // "Plan a meeting", with "Something else?" picked (its explanation shows), and a
  // thread's DRI, status and due date menu.
  const screens = appScreens(env.workspaceId, seeded);
  await openScreen(page, env.weft.url, screens.find(([name]) => name === 'meetings'));
  await page.getByRole('main').getByRole('button', { name: 'Plan a meeting' }).click();
  await page.getByRole('dialog', { name: 'Plan a meeting' }).getByLabel(/Something else\?/).check();
  violations = await audit(page, t);
  if (violations.length) found['plan a meeting'] = violations;
  await page.keyboard.press('Escape');
  await openScreen(page, env.weft.url, screens.find(([name]) => name === 'thread'));
  await page.getByRole('button', { name: /change the DRI, status or due date/ }).click();
  await page.getByText('DRI — the one person who decides').waitFor();
  violations = await audit(page, t);
  if (violations.length) found['deciding menu'] = violations;
  // Analytics with its numbers shown as a table under the chart.
  await openScreen(page, env.weft.url, screens.find(([name]) => name === 'analytics'));
  await page.getByText('The numbers, day by day').click();
  await page.locator('.an-day-table').waitFor();
  violations = await audit(page, t);
  if (violations.length) found['analytics numbers'] = violations;
  assertNone(found, `the app's screens (${colorScheme})`);
  await context.close();
}

/**
 * The tests of one colour scheme's file (06-axe-light, 06-axe-dark): a fresh instance with
 * the lifelike workspace, and its screens audited.
 */
export function auditAppScreensIn(colorScheme) {
  let env;
  let seeded;
  before(async () => {
    env = await freshInstance();
    seeded = await seedWorkspace(env);
  });
  after(async () => {
    await env?.cleanup();
  });
  test(`the app's main screens have no serious or critical accessibility violation (${colorScheme})`, async (t) => {
    await auditAppScreens(env, seeded, colorScheme, t);
  });
}
