// Asking for an answer: "Ask for an answer" in the composer shows, before sending, when each
// person's answer would be due (in the sender's time); the sent post says so; the person
// asked sees it in Owed (with the sidebar's count) and above the reply box, and resolves
// it; the asker sees it in Waiting, and a reply meets it. A direct message asks too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let page;
let bob;
let planning;
let bobPage;
let bobContext;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', timezone: 'Asia/Tokyo', workspaceId, adminToken: admin.token });
  planning = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Planning', public: true, user_ids: [bob.id] });
  page = env.page;
  await page.goto(`${weft.url}/a/${workspaceId}/ch/${planning.id}`);
  await page.getByRole('heading', { name: 'Planning', exact: true }).waitFor();
  bobContext = await newContext(env.browser);
  bobPage = await bobContext.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/inbox`);
});

after(async () => {
  await bobContext?.close();
  await env?.cleanup();
});

const DUE = /Reply needed — Bob Tanaka: by .+ your time, after 8 working hours of theirs/;

test('"Ask for an answer" shows when the answer is due before sending, and the post says so', async () => {
  await page.getByRole('button', { name: /New thread/ }).click();
  await page.getByPlaceholder('Title').fill('Launch order');
  await page.getByLabel('What is it about?').fill('Mobile or billing first? I need your call.');
  await page.getByRole('button', { name: 'Add people to notify' }).click();
  await page.getByRole('button', { name: /Bob Tanaka/ }).click();
  await page.keyboard.press('Escape');
  await page.getByLabel('Ask for an answer').check();
  const due = page.locator('.ask-reply-due');
  await due.getByText(DUE).waitFor();
  await screenshot(page, 'ask-reply-wide-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'ask-reply-wide-dark');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'ask-reply-phone-dark');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  // A time the sender sets is the due time.
  await page.getByLabel('When the answer is due').selectOption('set');
  await page.getByLabel('Answer due by (your time)').waitFor();
  await page.getByLabel('When the answer is due').selectOption('usual');
  await page.getByLabel('What is it about?').press('Control+Enter');
  await page.locator('#thread-title').getByText('Launch order').waitFor();
  await page.locator('.toast').getByText(/Reply expected — Bob Tanaka: by .+ your time\./).waitFor();
  // Ana waits for it: in Waiting, and above the reply box.
  await page.getByRole('note').getByText(/You asked Bob Tanaka for an answer\. Due /).waitFor();
  const waitingLink = page.getByRole('link', { name: /^Waiting/ });
  await eventually(async () => (await waitingLink.textContent()).includes('1'), 'the Waiting count shows 1');
});

test('the person asked sees it in Owed, resolves it from there, and the asker sees it done', async () => {
  const owed = bobPage.getByRole('link', { name: /^Owed/ });
  await eventually(async () => (await owed.textContent()).includes('1'), 'Bob’s Owed count shows 1');
  await owed.click();
  const list = bobPage.getByRole('list', { name: 'Owed, open' });
  const row = list.getByRole('listitem').filter({ hasText: 'Launch order' });
  await row.getByText(/Ana Lima asked you · Due .+ — .+ of your time left/).waitFor();
  await screenshot(bobPage, 'owed-wide-light');
  await bobPage.emulateMedia({ colorScheme: 'dark' });
  await bobPage.setViewportSize({ width: 390, height: 844 });
  await screenshot(bobPage, 'owed-phone-dark');
  await bobPage.setViewportSize({ width: 1280, height: 800 });
  await bobPage.emulateMedia({ colorScheme: 'light' });
  // In the thread, above the reply box, with the same actions.
  await row.getByRole('link').click();
  await bobPage.getByRole('note').getByText(/Ana Lima is waiting for your answer\. Due /).waitFor();
  await screenshot(bobPage, 'owed-in-thread-wide-light');
  await bobPage.getByRole('note').getByRole('button', { name: 'No reply needed' }).click();
  await bobPage.getByRole('note').waitFor({ state: 'detached' });
  await eventually(async () => !/\d/.test(await owed.textContent()), 'Bob’s Owed count is gone');
  // Ana's Waiting empties, and Done says how it ended.
  await page.getByRole('link', { name: /^Waiting/ }).click();
  await page.getByText('You wait for no answers').waitFor();
  await page.getByRole('navigation', { name: 'Waiting: which answers' }).getByRole('link', { name: 'Done' }).click();
  await page.getByRole('list', { name: 'Waiting, done' }).getByText(/You asked Bob Tanaka · No reply needed/).waitFor();
  await screenshot(page, 'waiting-done-wide-light');
});

test('a reply in the thread meets the request by itself', async () => {
  const { weft, admin } = env;
  const thread = await weft.api(admin.token, 'threads/add', { channel_id: planning.id, title: 'Budget split', content: 'Your numbers?', request_reply: [bob.id] });
  await bobPage.goto(`${weft.url}/a/${env.workspaceId}/ch/${planning.id}/t/${thread.id}`);
  await bobPage.getByRole('note').getByText(/Ana Lima is waiting for your answer/).waitFor();
  await bobPage.getByLabel('Reply', { exact: true }).fill('60/40, as last year.');
  await bobPage.getByLabel('Reply', { exact: true }).press('Control+Enter');
  await bobPage.getByRole('note').waitFor({ state: 'detached' });
  await page.goto(`${weft.url}/a/${env.workspaceId}/waiting/done`);
  await page.getByRole('list', { name: 'Waiting, done' }).getByRole('listitem').filter({ hasText: 'Budget split' }).getByText(/Answered/).waitFor();
});

test('a direct message asks the other person, who sees it above their message box', async () => {
  const { weft, admin, workspaceId } = env;
  const conversation = await weft.api(admin.token, 'conversations/get_or_create', { workspace_id: workspaceId, user_ids: [bob.id] });
  await page.goto(`${weft.url}/a/${workspaceId}/msg/${conversation.id}`);
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Can you review the contract today?');
  await page.getByLabel('Ask for an answer').check();
  await page.locator('.ask-reply-due').getByText(/Reply needed — Bob Tanaka: by /).waitFor();
  await screenshot(page, 'ask-reply-message-wide-light');
  await box.press('Enter');
  await page.getByText('Can you review the contract today?').last().waitFor();
  assert.equal(await page.getByLabel('Ask for an answer').isChecked(), false, 'the next message asks nothing by itself');
  await bobPage.goto(`${weft.url}/a/${workspaceId}/msg/${conversation.id}`);
  await bobPage.getByRole('note').getByText(/Ana Lima is waiting for your answer/).waitFor();
  await bobPage.getByLabel('Message', { exact: true }).fill('Yes, by five.');
  await bobPage.getByLabel('Message', { exact: true }).press('Enter');
  await bobPage.getByRole('note').waitFor({ state: 'detached' });
});

test('admins set the expected response time, for the workspace and per channel', async () => {
  const { weft, admin, workspaceId } = env;
  await page.goto(`${weft.url}/a/${workspaceId}/admin/general`);
  await page.getByLabel('Expected response time').selectOption('4');
  await page.getByText('Answers are due in 4 working hours').first().waitFor();
  await screenshot(page, 'admin-response-time-wide-light');
  await eventually(async () => (await weft.api(admin.token, 'workspaces/getone', { id: workspaceId }, { method: 'GET' })).expected_response_hours === 4, 'the workspace takes 4 hours');
  await page.goto(`${weft.url}/a/${workspaceId}/admin/channels`);
  await page.getByLabel('Expected response time in #Planning').selectOption('16');
  await page.locator('.toast').getByText('Answers in #Planning are due in 16 working hours').waitFor();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'admin-channel-response-time-phone-dark');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  const channel = await weft.api(admin.token, 'channels/getone', { id: planning.id }, { method: 'GET' });
  assert.equal(channel.expected_response_hours, 16);
  // Asking in #Planning now counts 16 of Bob's working hours.
  await page.goto(`${weft.url}/a/${workspaceId}/ch/${planning.id}`);
  await page.getByRole('button', { name: /New thread/ }).click();
  await page.getByRole('button', { name: 'Add people to notify' }).click();
  await page.getByRole('button', { name: /Bob Tanaka/ }).click();
  await page.keyboard.press('Escape');
  await page.getByLabel('Ask for an answer').check();
  await page.locator('.ask-reply-due').getByText(/after 2 working days of theirs/).waitFor();
});
