// Direct conversations: Ana starts one with Bob from the people picker and writes; Bob's
// sidebar shows it at once, unread; he opens it, answers (Enter sends), and Ana sees the
// answer live. Neither page is reloaded.
//
// Skipped, saying so, while the app still shows its "Conversations are coming" placeholder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance, newContext, signInThroughForm } from './lib/weft.mjs';

let env;
let bob;
let bobPage;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  const context = await newContext(env.browser);
  bobPage = await context.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/inbox`);
  await bobPage.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  await bobPage.evaluate(() => (window.__weftTestMarker = 'same page'));
});

after(async () => {
  await env?.cleanup();
});

const messages = (page, text) => page.locator('article.msg').filter({ hasText: text });

test('a conversation started in the app reaches the other person live, both ways', async (t) => {
  const ana = env.page;
  await ana.goto(`${env.weft.url}/a/${env.workspaceId}/msg`);
  const placeholder = ana.getByText('Conversations are coming');
  await ana.getByRole('main').getByRole('button', { name: /New conversation/ }).or(placeholder).first().waitFor();
  if ((await placeholder.count()) > 0) return t.skip('the app shows its "Conversations are coming" placeholder');
  await ana.evaluate(() => (window.__weftTestMarker = 'same page'));

  await ana.getByRole('main').getByRole('button', { name: /New conversation/ }).click();
  const dialog = ana.getByRole('dialog');
  await dialog.getByLabel('With whom?').fill('Bob');
  await dialog.getByRole('option', { name: /Bob Tanaka/ }).click();
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await ana.locator('#chat-title').filter({ hasText: 'Bob Tanaka' }).waitFor();

  await ana.getByLabel('Message', { exact: true }).fill('Lunch at noon?');
  await ana.getByLabel('Message', { exact: true }).press('Enter');
  await messages(ana, 'Lunch at noon?').waitFor();

  // Bob's sidebar lists it at once, unread; he opens it and answers.
  const entry = bobPage.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /Ana Lima/ });
  await entry.waitFor();
  // Unread, in words for screen readers (and so in its accessible name).
  await bobPage.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /Ana Lima.*unread/i }).waitFor();
  await entry.click();
  await messages(bobPage, 'Lunch at noon?').waitFor();
  await bobPage.getByLabel('Message', { exact: true }).fill('Yes! The usual place.');
  await bobPage.getByLabel('Message', { exact: true }).press('Enter');
  await messages(ana, 'Yes! The usual place.').waitFor();
  assert.equal(await messages(ana, 'Yes! The usual place.').count(), 1, 'shown once');

  // On the server: one conversation of the two of them, with both messages.
  const list = await env.weft.api(bob.token, 'conversations/get', { workspace_id: env.workspaceId }, { method: 'GET' });
  const c = list.find((x) => x.user_ids?.includes(env.admin.id) && x.user_ids?.includes(bob.id));
  assert.ok(c, `a conversation of Ana and Bob: ${JSON.stringify(list)}`);
  const stored = await env.weft.api(bob.token, 'conversation_messages/get', { conversation_id: c.id }, { method: 'GET' });
  assert.deepEqual(stored.map((m) => m.content).sort(), ['Lunch at noon?', 'Yes! The usual place.'].sort());
  for (const page of [ana, bobPage]) assert.equal(await page.evaluate(() => window.__weftTestMarker), 'same page', 'not reloaded');
});
