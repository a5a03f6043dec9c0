// The composer: a draft survives a reload, Markdown preview, @mention autocomplete that
// adds the person to the notify list, a reply shown at once while it is sent, and a
// failed send that stays on the page with Retry — which never doubles the comment, even
// when the first try did reach the server and only its answer was lost.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance } from './lib/weft.mjs';

let env;
let page;
let bob;
let threadUrl;
let threadId;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  const channels = await weft.api(admin.token, 'channels/get', { workspace_id: workspaceId }, { method: 'GET' });
  const general = channels.find((c) => c.name === 'General');
  const thread = await weft.api(admin.token, 'threads/add', { channel_id: general.id, title: 'Offsite in March', content: 'Where shall we go?' });
  threadId = thread.id;
  threadUrl = `${weft.url}/a/${workspaceId}/ch/${general.id}/t/${thread.id}`;
  page = env.page;
  await page.goto(threadUrl);
  await page.locator('#thread-title').waitFor();
});

after(async () => {
  await env?.cleanup();
});

const reply = () => page.getByLabel('Reply');
const comments = async () => (await env.weft.api(env.admin.token, 'comments/get', { thread_id: threadId }, { method: 'GET' })).map((c) => c.content);

test('a draft is kept across a reload', async () => {
  await reply().fill('Half a thought about Lisbon');
  await page.reload();
  await page.locator('#thread-title').waitFor();
  assert.equal(await reply().inputValue(), 'Half a thought about Lisbon');
  await reply().fill('');
});

test('Preview shows the Markdown rendered', async () => {
  await reply().fill('**Porto** or `Lisbon`');
  await page.getByRole('tab', { name: 'Preview' }).click();
  const preview = page.getByRole('tabpanel');
  await preview.locator('strong').filter({ hasText: 'Porto' }).waitFor();
  await preview.locator('code').filter({ hasText: 'Lisbon' }).waitFor();
  await page.getByRole('tab', { name: 'Write' }).click();
  assert.equal(await reply().inputValue(), '**Porto** or `Lisbon`', 'the text is still there');
  await reply().fill('');
});

test('@mention autocomplete inserts the person and adds them to the notify list', async () => {
  await reply().fill('');
  await reply().pressSequentially('Thanks @Bo');
  const option = page.getByRole('listbox', { name: 'Mention' }).getByRole('option', { name: /Bob Tanaka/ });
  await option.waitFor();
  await reply().press('Enter');
  await eventually(async () => (await reply().inputValue()).includes(`[Bob Tanaka](twist-mention://${bob.id})`), 'the mention is inserted');
  await page.getByRole('button', { name: 'Do not notify Bob Tanaka' }).waitFor();
  await reply().press('Control+Enter');
  const sent = page.locator('article.post-comment').filter({ hasText: 'Thanks' });
  await sent.waitFor();
  assert.match(await sent.innerText(), /@?Bob Tanaka/, 'the mention shows as a name');
  await eventually(async () => (await comments()).some((c) => c.includes(`twist-mention://${bob.id}`)), 'stored with the mention');
});

test('@mention suggestions stay open when the box is left and taken again at once', async () => {
  // Leaving the box closes its suggestions a moment later; coming straight back and typing
  // "@" must not lose the list that typing opened (it used to, when the moment ran out).
  await reply().fill('');
  await reply().evaluate((el) => {
    el.blur();
    el.focus();
  });
  await reply().pressSequentially('@Bo');
  const list = page.getByRole('listbox', { name: 'Mention' });
  await list.waitFor();
  await page.waitForTimeout(400);
  assert.ok(await list.isVisible(), 'the suggestions are still shown after the blur’s moment');
  await reply().press('Escape');
  await reply().fill('');
});

test('a reply shows at once while it is being sent', async () => {
  // Hold the request until the page has been looked at.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/api/v3/comments/add', async (route) => {
    await held;
    await route.continue();
  });
  await reply().fill('Lisbon in the first week');
  await reply().press('Control+Enter');
  const pending = page.locator('article.post-pending').filter({ hasText: 'Lisbon in the first week' });
  await pending.getByText('Sending…').waitFor();
  release();
  await page.locator('article.post-comment').filter({ hasText: 'Lisbon in the first week' }).waitFor();
  await pending.waitFor({ state: 'detached' });
  assert.equal(await page.locator('article').filter({ hasText: 'Lisbon in the first week' }).count(), 1, 'shown once');
  await page.unroute('**/api/v3/comments/add');
});

test('a send that fails stays on the page with Retry, which sends it once', async () => {
  // The network fails the request: it never reaches Weft.
  await page.route('**/api/v3/comments/add', (route) => route.abort('connectionreset'));
  await reply().fill('Book the venue by Friday');
  await reply().press('Control+Enter');
  const failed = page.locator('article.post-pending').filter({ hasText: 'Book the venue by Friday' });
  await failed.getByText('Not sent', { exact: true }).waitFor();
  await failed.getByRole('alert').waitFor();
  assert.ok(!(await comments()).includes('Book the venue by Friday'), 'not on the server');

  await page.unroute('**/api/v3/comments/add');
  await failed.getByRole('button', { name: 'Retry' }).click();
  await page.locator('article.post-comment').filter({ hasText: 'Book the venue by Friday' }).waitFor();
  await failed.waitFor({ state: 'detached' });
  assert.equal(await page.locator('article').filter({ hasText: 'Book the venue by Friday' }).count(), 1, 'shown once');
  assert.equal((await comments()).filter((c) => c === 'Book the venue by Friday').length, 1, 'stored once');
});

test('a send whose answer is lost after it reached Weft shows once, not as failed', async () => {
  // Weft stores the comment (the stream brings it to the page), then the answer is lost.
  let answerLost;
  const lost = new Promise((resolve) => (answerLost = resolve));
  await page.route('**/api/v3/comments/add', async (route) => {
    await route.fetch();
    await page.locator('article.post-comment').filter({ hasText: 'Bring warm coats' }).waitFor();
    await route.abort('connectionreset');
    answerLost();
  });
  await reply().fill('Bring warm coats');
  await reply().press('Control+Enter');
  await page.locator('article.post-comment').filter({ hasText: 'Bring warm coats' }).waitFor();
  await eventually(async () => (await page.locator('article.post-pending').count()) === 0, 'no pending or "Not sent" copy is left');
  assert.equal(await page.locator('article').filter({ hasText: 'Bring warm coats' }).count(), 1, 'shown once');
  assert.equal((await comments()).filter((c) => c === 'Bring warm coats').length, 1, 'stored once');
  // The page may settle before the handler has lost the answer: removing the route then
  // would answer the request instead, and the handler's abort would fail.
  await lost;
  await page.unroute('**/api/v3/comments/add');
});

// When the failure is seen before the stream brings the stored comment, the stream's copy
// settles the failed one.
test('a send whose answer is lost, noticed before the stream brings it, shows once', async () => {
  let request;
  await page.route('**/api/v3/comments/add', (route) => {
    request = route.request();
    return route.abort('connectionreset');
  });
  await reply().fill('Flights are booked');
  await reply().press('Control+Enter');
  await page.locator('article.post-pending').getByText('Not sent', { exact: true }).waitFor();
  await page.unroute('**/api/v3/comments/add');
  // The same request, as it would have reached Weft (the answer was what got lost).
  const headers = request.headers();
  await page.evaluate(
    ([body, type, csrf]) => fetch('/api/v3/comments/add', { method: 'POST', headers: { 'content-type': type, 'x-csrf-token': csrf }, body }),
    [request.postData(), headers['content-type'], headers['x-csrf-token']],
  );
  await page.locator('article.post-comment').filter({ hasText: 'Flights are booked' }).waitFor();
  await eventually(async () => (await page.locator('article').filter({ hasText: 'Flights are booked' }).count()) === 1, 'shown once', 3_000);
});
