// Sending later: the clock next to Send schedules a thread for "their morning" (Weft says
// when and why) or a time picked; it shows only in the author's Scheduled list, where it
// can be edited, sent now or cancelled; sent, it appears to everyone as a new post. A reply
// and a direct message can wait too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let page;
let bob;
let planning;
let bobContext;
let bobPage;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', timezone: 'Asia/Tokyo', workspaceId, adminToken: admin.token });
  planning = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Planning', public: true, user_ids: [bob.id] });
  page = env.page;
  bobContext = await newContext(env.browser);
  bobPage = await bobContext.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/ch/${planning.id}`);
});

after(async () => {
  await bobContext?.close();
  await env?.cleanup();
});

test('a thread scheduled for "their morning" says when and why, and waits unseen', async () => {
  const { weft, workspaceId } = env;
  await page.goto(`${weft.url}/a/${workspaceId}/ch/${planning.id}`);
  await page.getByRole('heading', { name: 'Planning', exact: true }).waitFor();
  await page.getByRole('button', { name: /New thread/ }).click();
  await page.getByPlaceholder('Title').fill('Roadmap review');
  await page.getByLabel('What is it about?').fill('Notes for Tuesday.');
  await page.getByRole('button', { name: 'Add people to notify' }).click();
  await page.getByRole('button', { name: /Bob Tanaka/ }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Send later' }).click();
  await page.getByRole('menuitem', { name: /Their morning/ }).click();
  await page.getByText('Sends their morning').waitFor();
  await screenshot(page, 'send-later-wide-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'send-later-phone-dark');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.locator('.toast').getByText(/Scheduled for .+ your time — Bob Tanaka's next working period starts .+ \(Asia\/Tokyo\)\. Only you see it until then\./).waitFor();
  // Not in the channel, for anyone.
  await bobPage.reload();
  await bobPage.getByRole('heading', { name: 'Planning', exact: true }).waitFor();
  assert.equal(await bobPage.getByText('Roadmap review').count(), 0);
  // In Ana's Scheduled list, with the reason for its time.
  const link = page.getByRole('link', { name: /^Scheduled/ });
  await link.click();
  const row = page.getByRole('list', { name: 'Waiting to be sent' }).getByRole('listitem').filter({ hasText: 'Roadmap review' });
  await row.getByText(/Sends .+ — Bob Tanaka's next working period starts/).waitFor();
  await screenshot(page, 'scheduled-wide-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'scheduled-wide-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a scheduled post is edited, then sent now: everyone sees it as new', async () => {
  const row = page.getByRole('list', { name: 'Waiting to be sent' }).getByRole('listitem').filter({ hasText: 'Roadmap review' });
  await row.hover();
  await row.getByRole('button', { name: 'Edit' }).click();
  await row.getByLabel('Text').fill('Notes for Tuesday, with the budget.');
  await row.getByRole('button', { name: 'Save' }).click();
  await page.locator('.toast').getByText('Saved').waitFor();
  await row.hover();
  await row.getByRole('button', { name: 'Send now' }).click();
  await page.getByText('Nothing waiting').waitFor({ timeout: 15_000 });
  await bobPage.getByText('Roadmap review').waitFor({ timeout: 15_000 });
  await page.getByRole('link', { name: 'Sent and cancelled' }).click();
  await page.getByRole('list', { name: 'Sent and cancelled' }).getByText(/^Sent /).waitFor();
});

test('a reply scheduled for a picked time shows above the reply box, and cancelling it drops it', async () => {
  const { weft, admin, workspaceId } = env;
  const thread = await weft.api(admin.token, 'threads/add', { channel_id: planning.id, title: 'Hiring', content: 'Thoughts?' });
  await page.goto(`${weft.url}/a/${workspaceId}/ch/${planning.id}/t/${thread.id}`);
  await page.getByLabel('Reply', { exact: true }).fill('Let us talk Monday.');
  await page.getByRole('button', { name: 'Send later' }).click();
  await page.getByRole('menuitem', { name: 'Tomorrow at this time' }).click();
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.getByRole('note').getByText(/Your reply “Let us talk Monday\.” is scheduled\. Sends /).waitFor();
  await screenshot(page, 'scheduled-reply-wide-light');
  assert.equal(await page.locator('article.post-comment').count(), 0, 'not posted');
  await page.getByRole('note').getByRole('link', { name: 'See scheduled' }).click();
  const row = page.getByRole('list', { name: 'Waiting to be sent' }).getByRole('listitem').filter({ hasText: 'Let us talk Monday.' });
  await row.hover();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('Nothing waiting').waitFor();
  const comments = await weft.api(admin.token, 'comments/get', { thread_id: thread.id }, { method: 'GET' });
  assert.equal(comments.length, 0);
});

test('a direct message can wait for their morning too', async () => {
  const { weft, admin, workspaceId } = env;
  const conversation = await weft.api(admin.token, 'conversations/get_or_create', { workspace_id: workspaceId, user_ids: [bob.id] });
  await page.goto(`${weft.url}/a/${workspaceId}/msg/${conversation.id}`);
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Good morning! The contract is ready.');
  await page.getByRole('button', { name: 'Send later' }).click();
  await page.getByRole('menuitem', { name: /Their morning/ }).click();
  await screenshot(page, 'send-later-message-wide-light');
  await box.press('Enter');
  await page.locator('.toast').getByText(/Scheduled for .+ Bob Tanaka's next working period/).waitFor();
  await page.getByRole('note').getByText(/is scheduled/).waitFor();
  await eventually(async () => (await weft.api(admin.token, 'scheduled/get', { workspace_id: workspaceId }, { method: 'GET' })).length === 1, 'one message waits');
});
