// A phone (390×844, touch): one pane at a time. The inbox fills the screen; "Show sidebar"
// brings the sidebar instead; tapping a channel shows the channel alone; a thread opens
// over it and its back button returns. Nothing needs a wide screen to be reached.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance, newContext } from './lib/weft.mjs';
import { seedWorkspace } from './lib/seed.mjs';

let env;
let seeded;
let page;

before(async () => {
  env = await freshInstance();
  seeded = await seedWorkspace(env);
  const context = await newContext(env.browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    storageState: await env.context.storageState(),
  });
  page = await context.newPage();
});

after(async () => {
  await env?.cleanup();
});

/** Whether an element is on the screen (in the viewport and shown). */
const onScreen = (locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && r.width > 0 && r.right > 1 && r.left < window.innerWidth - 1;
  });

// By CSS, not by role: a hidden sidebar is (rightly) not in the accessibility tree.
const sidebarBox = () => page.locator('nav[aria-label="Workspace"]');
const sidebar = () => page.getByRole('navigation', { name: 'Workspace' });
const main = () => page.locator('#main');

test('one pane at a time: inbox, sidebar, channel, thread and back', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/inbox`);
  await page.getByRole('list', { name: 'Inbox' }).waitFor();
  assert.equal(await onScreen(main()), true, 'the inbox is shown');
  assert.equal(await onScreen(sidebarBox()), false, 'the sidebar is not shown beside it');

  await page.getByRole('button', { name: 'Show sidebar' }).tap();
  await page.waitForFunction(() => {
    const r = document.querySelector('nav[aria-label="Workspace"]').getBoundingClientRect();
    return r.left >= -1 && r.left < 10 && r.width > 300;
  });
  assert.equal(await onScreen(main()), false, 'the sidebar takes the screen');

  await sidebar().getByRole('link', { name: /Planning/ }).tap();
  await page.getByRole('list', { name: 'Threads in Planning' }).waitFor();
  await page.waitForFunction(() => {
    const r = document.querySelector('nav[aria-label="Workspace"]').getBoundingClientRect();
    return r.right <= 1 || r.left >= window.innerWidth - 1 || getComputedStyle(document.querySelector('nav[aria-label="Workspace"]')).visibility === 'hidden';
  });
  assert.equal(await onScreen(main()), true, 'the channel is shown');

  await page.getByRole('link', { name: new RegExp(seeded.threads.q3.title.slice(0, 20)) }).tap();
  await page.locator('#thread-title').waitFor();
  await page.getByRole('button', { name: 'Back to #Planning' }).tap();
  await page.getByRole('list', { name: 'Threads in Planning' }).waitFor();
  assert.match(page.url(), new RegExp(`/ch/${seeded.planning.id}$`));
});

test('on a phone the reply box and its Send button can be reached in a thread', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${seeded.planning.id}/t/${seeded.threads.q3.id}`);
  await page.locator('#thread-title').waitFor();
  await page.getByLabel('Reply').tap();
  await page.getByLabel('Reply').fill('Sent from a phone');
  const send = page.getByRole('button', { name: 'Send', exact: true });
  await send.scrollIntoViewIfNeeded();
  await send.tap();
  await page.locator('article.post-comment').filter({ hasText: 'Sent from a phone' }).waitFor();
});
