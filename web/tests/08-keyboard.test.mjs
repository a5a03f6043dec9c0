// Keyboard: the app's shortcuts do what the "?" sheet says, focus is visible where the
// keys put it, and Tab moves through the page without getting stuck.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance } from './lib/weft.mjs';
import { seedWorkspace } from './lib/seed.mjs';

let env;
let seeded;
let page;

before(async () => {
  env = await freshInstance();
  seeded = await seedWorkspace(env);
  page = env.page;
  page.on('dialog', (d) => void d.accept());
});

after(async () => {
  await env?.cleanup();
});

const inboxRows = () => page.getByRole('list', { name: 'Inbox' }).locator('[data-nav-item]');

/** What has focus: its nav id or tag and name, and whether the focus is drawn. */
const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { what: 'body', visible: false };
    const style = getComputedStyle(el);
    const drawn = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    return {
      what: el.dataset.id ? `row ${el.dataset.id}` : `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join('.')}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}`,
      id: el.id,
      visible: drawn,
    };
  });

test('? shows the shortcuts, and Escape closes them, giving focus back', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/inbox`);
  await inboxRows().first().waitFor();
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  for (const what of ['Next / previous item in a list', 'Go to the inbox', 'Search']) await sheet.getByText(what, { exact: false }).first().waitFor();
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'detached' });
});

test('j and k move through the inbox with a visible focus; e marks Done; o opens', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/inbox`);
  await inboxRows().first().waitFor();
  const ids = await inboxRows().evaluateAll((rows) => rows.map((r) => `row ${r.dataset.id}`));
  assert.ok(ids.length >= 3, `three threads in the inbox: ${ids}`);
  await page.keyboard.press('j');
  let f = await focused();
  assert.equal(f.what, ids[0]);
  assert.ok(f.visible, 'the focused row shows that it has focus');
  await page.keyboard.press('j');
  assert.equal((await focused()).what, ids[1]);
  await page.keyboard.press('k');
  assert.equal((await focused()).what, ids[0]);

  // e: Done for the selected thread; the selection moves on to its neighbour.
  const doneId = Number(ids[0].split(' ')[1]);
  await page.keyboard.press('e');
  await page.locator(`[data-nav-item][data-id="${doneId}"]`).waitFor({ state: 'detached' });
  await eventually(
    async () => !(await env.weft.api(env.admin.token, 'inbox/get', { workspace_id: env.workspaceId }, { method: 'GET' })).some((t) => t.id === doneId),
    'Done on the server',
  );
  f = await focused();
  assert.equal(f.what, ids[1], 'focus moved to the next row');

  // o opens it.
  await page.keyboard.press('o');
  await page.waitForURL(new RegExp(`/t/${ids[1].split(' ')[1]}$`));
  await page.locator('#thread-title').waitFor();
});

test('r focuses the reply box; Escape leaves it; g i goes to the inbox; / focuses search', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${seeded.planning.id}/t/${seeded.threads.q3.id}`);
  await page.locator('#thread-title').waitFor();
  await page.keyboard.press('r');
  await eventually(async () => (await focused()).id === 'reply-box', 'the reply box has focus');
  await page.keyboard.type('gi'); // typed text, not shortcuts
  assert.equal(await page.locator('#reply-box').inputValue(), 'gi');
  assert.match(page.url(), /\/t\//, 'typing does not run shortcuts');
  await page.locator('#reply-box').fill('');
  await page.keyboard.press('Escape');
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await page.waitForURL(/\/inbox$/);
  await page.keyboard.press('/');
  await eventually(async () => (await focused()).id === 'search-box', 'the search box has focus');
});

test('c starts a new thread in the open channel', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${seeded.design.id}`);
  await page.getByRole('list', { name: 'Threads in Design' }).waitFor();
  await page.keyboard.press('c');
  await page.getByLabel('Title').waitFor();
  await eventually(async () => (await page.evaluate(() => document.activeElement?.getAttribute('placeholder'))) === 'Title', 'the title field has focus');
});

/**
 * Focus stops already reported as showing no focus, matched on the `what` text of focused():
 * printed as diagnostics, not failed, so that any other control without a visible focus
 * still fails. Remove an entry once it is fixed.
 */
const KNOWN_INVISIBLE = [];

/**
 * Turns the app's focus styles (every rule whose selector names :focus, :focus-visible or
 * :focus-within) off and on again, so that a control can be seen without its focus while
 * it keeps it. Blurring it instead would change the page itself: a composer left by the
 * focus folds up a moment later, taking the next Tab stops with it.
 */
const focusStyles = (on) =>
  page.evaluate((on) => {
    const sheet = document.styleSheets[0];
    if (on) {
      for (const [rule, css] of window.__focusRules ?? []) rule.style.cssText = css;
      window.__focusRules = [];
      sheet.deleteRule(sheet.cssRules.length - 1);
      return;
    }
    const off = [];
    const walk = (rules) => {
      for (const rule of rules) {
        if (rule.cssRules) walk(rule.cssRules);
        if (rule.selectorText?.includes(':focus')) {
          off.push([rule, rule.style.cssText]);
          rule.style.cssText = '';
        }
      }
    };
    for (const sheet of document.styleSheets) walk(sheet.cssRules);
    window.__focusRules = off;
    // Chromium's own focus ring, which the app's rules replace, stays away too.
    sheet.insertRule('*:focus, *:focus-visible { outline: none !important }', sheet.cssRules.length);
  }, on);

test('Tab moves through the whole page without a trap, focus always visible', async (t) => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${seeded.planning.id}/t/${seeded.threads.q3.id}`);
  await page.locator('#thread-title').waitFor();
  await page.mouse.move(0, 0);
  const seen = [];
  const invisible = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const f = await focused();
    seen.push(f.what);
    if (f.what === 'body') continue;
    // Visible means: the place looks different with focus than without (a ring, a
    // background, its container's border — however the app draws it).
    const box = await page.evaluate(() => {
      const r = document.activeElement.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
    const pad = 6;
    const x = Math.max(0, box.x - pad);
    const y = Math.max(0, box.y - pad);
    const clip = { x, y, width: Math.min(box.width + 2 * pad, 1280 - x), height: Math.min(box.height + 2 * pad, 800 - y) };
    if (clip.width <= 0 || clip.height <= 0) continue;
    const withFocus = await page.screenshot({ clip, caret: 'hide', animations: 'disabled' });
    await focusStyles(false);
    const without = await page.screenshot({ clip, caret: 'hide', animations: 'disabled' });
    await focusStyles(true);
    if (withFocus.equals(without)) invisible.add(f.what);
  }
  const distinct = new Set(seen);
  assert.ok(distinct.size >= 15, `Tab reached only ${distinct.size} places: ${[...distinct].join(' | ')}`);
  // No trap: the last ten stops are not the same few controls over and over.
  assert.ok(new Set(seen.slice(-10)).size > 3, `focus is stuck: ${seen.slice(-10).join(' | ')}`);
  const known = [...invisible].filter((what) => KNOWN_INVISIBLE.some((k) => k.test(what)));
  for (const what of known) t.diagnostic(`known (not failed): no visible focus on ${what}`);
  const unknown = [...invisible].filter((what) => !known.includes(what));
  assert.deepEqual(unknown, [], `controls that take focus without showing it (Tab order: ${seen.join(' | ')})`);
});
