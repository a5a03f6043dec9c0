// Integrations: Ana (admin) opens Workspace settings → Integrations, makes a bot "Deploys",
// reads its token (shown once, with Copy and a curl line using this server's address),
// posts a thread with it by fetch (Authorization: Bearer), replaces its token (confirming:
// the old one is refused), removes the bot (confirming) and the token is refused. In
// #General's menu, "Webhooks…" opens the channel's webhooks: she makes "CI", reads its URL
// (shown once, with a curl line posting {"text": "Build 42 passed"}), posts that body to it
// by fetch and the thread appears in the open channel, by "CI"; the list says "Last used";
// removed (confirming), the URL answers 403. A guest's channel menu has no "Webhooks…".
// Screenshots light, dark and phone; nothing spills sideways on a phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, axePath, eventually, freshInstance, looks, newContext, signInThroughForm, withToken } from './lib/weft.mjs';

let env;
let page;
let channelId;

before(async () => {
  env = await freshInstance();
  const ws = await env.weft.api(env.admin.token, 'workspaces/getone', { id: env.workspaceId }, { method: 'GET' });
  channelId = ws.default_channel;
  page = env.page;
});

after(async () => {
  await env?.cleanup();
});

/** Serious and critical axe violations of the page at `path` after `prepare`, light and dark. */
async function audit(path, prepare) {
  const found = [];
  const context = await newContext(env.browser, { bypassCSP: true });
  const p = await context.newPage();
  await signInThroughForm(p, env.weft.url, ADMIN, path);
  await prepare(p);
  await p.addScriptTag({ path: axePath });
  for (const colorScheme of ['light', 'dark']) {
    await p.emulateMedia({ colorScheme });
    const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      found.push(`${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await context.close();
  return found;
}

test('Workspace settings → Integrations: make a bot, use its token, replace it, remove it', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/admin/general`);
  await page.getByRole('navigation', { name: 'Workspace settings sections' }).getByRole('link', { name: 'Integrations' }).click();
  await page.getByRole('heading', { name: 'Bots', exact: true }).waitFor();
  assert.match(page.url(), /\/admin\/integrations$/);
  await page.getByText('This workspace has no bots.').waitFor();

  // A blank name is refused inline, nothing asked.
  const form = page.getByRole('region', { name: 'New bot' });
  await page.getByRole('button', { name: 'Make bot' }).click();
  await page.locator('#bot-status').getByText('Give the bot a name').waitFor();
  assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), 'true');

  // By keyboard: name, Enter.
  await form.getByLabel('Name').fill('Deploys');
  await form.getByLabel('Name').press('Enter');
  const field = page.getByRole('textbox', { name: /Token for the bot “Deploys”/ });
  await field.waitFor();
  assert.ok(await field.evaluate((el) => el === document.activeElement), 'the token takes focus');
  await page.getByText('Copy it now: it will not be shown again').waitFor();
  const token = await field.inputValue();
  assert.ok(token.length > 20, `a token: ${token}`);
  const example = await page.locator('.token-example').innerText();
  assert.ok(example.includes(`curl -s ${env.weft.url}/api/v3/users/get_session_user`), example);
  assert.ok(example.includes(`Authorization: Bearer ${token}`), example);
  await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();

  const row = page.getByRole('list', { name: 'Bots' }).getByRole('listitem').filter({ hasText: 'Deploys' });
  await row.getByText(`Owner: ${ADMIN.name}`).waitFor();
  await row.getByText(/Created/).waitFor();

  // The token acts as the bot: it posts a thread in General.
  const me = await withToken(env.weft.url, token, 'users/get_session_user');
  assert.equal(me.status, 200);
  assert.equal(me.json.bot, true);
  assert.equal(me.json.name, 'Deploys');
  const posted = await withToken(env.weft.url, token, 'threads/add', { channel_id: channelId, title: 'v1.4 deployed', content: 'To production.' });
  assert.equal(posted.status, 200, JSON.stringify(posted.json));
  assert.equal(posted.json.creator, me.json.id);

  assert.deepEqual(await audit(`/a/${env.workspaceId}/admin/integrations`, async (p) => {
    await p.getByRole('list', { name: 'Bots' }).waitFor();
  }), []);
  await looks(page, 'admin-bots');

  // New token: dismissed, nothing changes; accepted, the old token is refused.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: 'New token for Deploys' }).click();
  await page.waitForTimeout(200);
  assert.equal((await withToken(env.weft.url, token, 'users/get_session_user')).status, 200, 'dismissed: the token still works');
  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: 'New token for Deploys' }).click();
  const second = page.getByRole('region', { name: /Token for the bot “Deploys”/ }).getByRole('textbox');
  await eventually(async () => (await second.count()) === 1 && (await second.inputValue()) !== token, 'a new token is shown');
  assert.match(question, /current token stops working/);
  const token2 = await second.inputValue();
  assert.equal((await withToken(env.weft.url, token, 'users/get_session_user')).status, 403, 'the old token is refused');
  assert.equal((await withToken(env.weft.url, token2, 'users/get_session_user')).status, 200, 'the new token works');
  await looks(page, 'admin-bots-new-token');

  // Remove, confirming first: dismissed keeps it; accepted removes it and refuses its token.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: 'Remove Deploys' }).click();
  await page.waitForTimeout(200);
  assert.equal(await row.count(), 1, 'dismissed: still there');
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: 'Remove Deploys' }).click();
  await row.waitFor({ state: 'detached' });
  assert.match(question, /Remove the bot “Deploys”\?/);
  const refused = await withToken(env.weft.url, token2, 'users/get_session_user');
  assert.ok(refused.status === 401 || refused.status === 403, `a removed bot's token still works: ${refused.status}`);
  assert.deepEqual(await env.weft.api(env.admin.token, 'bots/get', { workspace_id: env.workspaceId }), []);
  await page.reload();
  await page.getByText('This workspace has no bots.').waitFor();
  assert.ok(!(await page.content()).includes(token2), 'the token is not on the page any more');
});

test('A channel menu → Webhooks…: make one, post to its URL, remove it', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${channelId}`);
  await page.getByRole('button', { name: 'Channel actions' }).click();
  await page.getByRole('button', { name: 'Webhooks…' }).click();
  const dialog = page.getByRole('dialog', { name: /Webhooks in #/ });
  await dialog.waitFor();
  await dialog.getByText(/has no webhooks/).waitFor();
  assert.ok(await dialog.getByLabel('Name').evaluate((el) => el === document.activeElement), 'the name field takes focus');

  await dialog.getByRole('button', { name: 'Make webhook' }).click();
  await dialog.locator('#webhook-status').getByText('Give the webhook a name').waitFor();
  await dialog.getByLabel('Name').fill('CI');
  await dialog.getByLabel('Name').press('Enter');
  const field = dialog.getByRole('textbox', { name: /URL of the webhook “CI”/ });
  await field.waitFor();
  const url = await field.inputValue();
  assert.ok(url.startsWith(`${env.weft.url}/api/v3/integration_incoming/post_data?`), url);
  const example = await dialog.locator('.token-example').innerText();
  assert.ok(example.includes(`curl -s "${url}"`), example);
  assert.ok(example.includes(`{"text": "Build 42 passed"}`), example);
  const row = dialog.getByRole('list', { name: /Webhooks in #/ }).getByRole('listitem').filter({ hasText: 'CI' });
  await row.getByText('Never used').waitFor();
  await row.getByText(`Made by ${ADMIN.name}`).waitFor();
  await looks(page, 'channel-webhooks');

  // Escape closes the dialog; the URL posts a thread that appears in the open channel.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Build 42 passed' }) });
  assert.equal(r.status, 200, await r.text());
  const threads = page.getByRole('list', { name: /Threads in/ });
  await threads.getByRole('listitem').filter({ hasText: 'Build 42 passed' }).waitFor();
  await looks(page, 'channel-webhook-posted');

  // Opened again: no URL, "Last used"; Remove asks, then the URL answers 403.
  await page.getByRole('button', { name: 'Channel actions' }).click();
  await page.getByRole('button', { name: 'Webhooks…' }).click();
  await row.getByText(/Last used/).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: /URL of the webhook/ }).count(), 0, 'the URL is shown once');
  assert.deepEqual(await audit(`/a/${env.workspaceId}/ch/${channelId}`, async (p) => {
    await p.getByRole('button', { name: 'Channel actions' }).click();
    await p.getByRole('button', { name: 'Webhooks…' }).click();
    await p.getByRole('list', { name: /Webhooks in #/ }).waitFor();
  }), []);
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: 'Remove CI' }).click();
  await page.waitForTimeout(200);
  assert.equal(await row.count(), 1, 'dismissed: still there');
  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: 'Remove CI' }).click();
  await row.waitFor({ state: 'detached' });
  assert.match(question, /Remove the webhook “CI”\?/);
  await dialog.getByText(/has no webhooks/).waitFor();
  const after = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Build 43 passed' }) });
  assert.equal(after.status, 403);
  await looks(page, 'channel-webhooks-removed');
});

test('A guest has no Webhooks in the channel menu', async () => {
  const { weft, admin, workspaceId } = env;
  const guest = await weft.addPerson({ name: 'Gus Guest', email: 'gus@acme.test', workspaceId, adminToken: admin.token });
  await weft.api(admin.token, 'workspace_users/update', { id: workspaceId, user_id: guest.id, user_type: 'GUEST' });
  await weft.api(admin.token, 'channels/add_user', { id: channelId, user_id: guest.id }).catch(() => null);
  const refused = await withToken(env.weft.url, guest.token, 'incoming_webhooks/add', { channel_id: channelId, name: 'Sneaky' });
  assert.ok(refused.status === 403 || refused.status === 404, `the API refuses a guest too: ${refused.status}`);
  const context = await newContext(env.browser);
  const p = await context.newPage();
  await signInThroughForm(p, env.weft.url, guest, `/a/${env.workspaceId}/ch/${channelId}`);
  await p.getByRole('button', { name: 'Channel actions' }).click();
  await p.getByRole('button', { name: 'Mark all as read' }).waitFor();
  assert.equal(await p.getByRole('button', { name: 'Webhooks…' }).count(), 0);
  await context.close();
});
