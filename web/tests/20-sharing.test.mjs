// Sharing checks in the composer: naming someone who cannot see a private channel shows
// who and why before sending, with "Add … to #channel" and "Send without …"; a post that
// still names such a person says afterwards that they were not notified. Someone outside
// the channel asks to join from its page, and a member lets them in.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let page;
let bob;
let budget;
let gus;
let threadUrl;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  gus = await weft.addPerson({ name: 'Gus Guest', email: 'gus@acme.test', workspaceId, adminToken: admin.token });
  await weft.api(admin.token, 'workspace_users/update', { id: workspaceId, user_id: gus.id, user_type: 'GUEST' });
  budget = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Budget', public: false });
  const thread = await weft.api(admin.token, 'threads/add', { channel_id: budget.id, title: 'Q3 numbers', content: 'Draft attached.' });
  page = env.page;
  threadUrl = `${weft.url}/a/${workspaceId}/ch/${budget.id}/t/${thread.id}`;
  await page.goto(threadUrl);
  await page.locator('#thread-title').waitFor();
});

after(async () => {
  await env?.cleanup();
});

const reply = () => page.getByLabel('Reply');
const warning = () => page.locator('.notify-warning');

async function notify(name) {
  await reply().click();
  await page.getByRole('button', { name: 'Add people to notify' }).click();
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.getByRole('button', { name: `Do not notify ${name}` }).waitFor();
}

test('naming someone outside a private channel warns, and "Add … to #channel" adds them', async () => {
  await notify('Bob Tanaka');
  await warning().getByText('Bob Tanaka (not in this private channel) cannot see this, so will not be told.').waitFor();
  await page.keyboard.press('Escape'); // the people menu closes; the warning stays
  await screenshot(page, 'sharing-warning-wide-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'sharing-warning-wide-dark');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'sharing-warning-phone-dark');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await warning().getByRole('button', { name: 'Add Bob Tanaka to #Budget' }).click();
  await warning().waitFor({ state: 'detached' });
  const channel = await env.weft.api(env.admin.token, 'channels/getone', { id: budget.id }, { method: 'GET' });
  assert.ok(channel.user_ids.includes(bob.id), 'Bob is in #Budget now');
});

test('"Send without …" takes the person off the notify list', async () => {
  await notify('Gus Guest');
  await warning().getByText(/Gus Guest \(not in this private channel\)/).waitFor();
  await warning().getByRole('button', { name: 'Send without Gus Guest' }).click();
  await warning().waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('button', { name: 'Do not notify Gus Guest' }).count(), 0);
  await page.getByRole('button', { name: 'Do not notify Bob Tanaka' }).waitFor();
});

test('a reply that still names someone who cannot see it says they were not notified', async () => {
  await notify('Gus Guest');
  await reply().fill('Numbers are final');
  await reply().press('Control+Enter');
  await page.locator('article.post-comment').filter({ hasText: 'Numbers are final' }).waitFor();
  await page.locator('.toast').getByText('Not notified: Gus Guest (not in this private channel) — they cannot see it').waitFor();
  await screenshot(page, 'sharing-not-notified-wide-light');
});

test('someone outside the channel asks to join from its page, and a member lets them in', async () => {
  const { weft, workspaceId } = env;
  const context = await newContext(env.browser);
  const guest = await context.newPage();
  const url = `/a/${workspaceId}/ch/${budget.id}`;
  await signInThroughForm(guest, weft.url, gus, url);
  await guest.getByText('You cannot see this channel').waitFor();
  await guest.getByLabel('Ask its members to let you in').fill('I prepare the partner budget');
  await screenshot(guest, 'access-request-wide-light');
  await guest.getByRole('button', { name: 'Ask to join' }).click();
  await guest.getByText(/You asked to join/).waitFor();

  // Ana, in the channel, sees who asked and why, live, and lets Gus in.
  await page.goto(`${weft.url}${url}`);
  const asked = page.getByRole('list', { name: 'Asked to join' });
  await asked.getByText('I prepare the partner budget').waitFor();
  await screenshot(page, 'join-requests-wide-light');
  await asked.getByRole('button', { name: 'Let Gus Guest in' }).click();
  await asked.waitFor({ state: 'detached' });
  // Gus's page opens the channel without a reload.
  await guest.getByRole('heading', { name: /Budget/ }).waitFor();
  const channel = await weft.api(env.admin.token, 'channels/getone', { id: budget.id }, { method: 'GET' });
  assert.ok(channel.user_ids.includes(gus.id), 'Gus is in #Budget');
  await context.close();
  // The workspace's settings list it, decided, with how long it waited.
  await page.goto(`${weft.url}/a/${workspaceId}/admin/requests`);
  const list = page.getByRole('list', { name: 'Access requests' });
  await list.getByText(/Gus Guest → #Budget/).waitFor();
  await list.getByText(/let in by Ana Lima after under a minute/).waitFor();
  await screenshot(page, 'admin-access-requests-wide-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'admin-access-requests-phone-dark');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a reply to someone who is away shows their away reply, once', async () => {
  const away = { type: 'vacation', date_from: '2026-01-01', date_to: '2099-12-31', note: 'Walking the Camino' };
  await env.weft.api(bob.token, 'users/update', { away_mode: away });
  await page.goto(threadUrl);
  await page.locator('#thread-title').waitFor();
  await notify('Bob Tanaka');
  await reply().fill('Can you check the totals?');
  await reply().press('Control+Enter');
  await page.locator('.toast').getByText(/Bob Tanaka is away until .*: “Walking the Camino”\./).waitFor();
  await screenshot(page, 'away-reply-wide-light');
  await page.locator('.toast').getByRole('button', { name: 'Dismiss' }).click();
  // The next reply in the same thread gets no second one.
  await reply().fill('Never mind, found them');
  await reply().press('Control+Enter');
  await page.locator('article.post-comment').filter({ hasText: 'Never mind, found them' }).waitFor();
  assert.equal(await page.locator('.toast').getByText(/is away/).count(), 0);
});
