// The daily flows, as two people in two browsers: Ana (the admin, who set Weft up) and Bob.
// Each step is done through the app where the app offers it, and what the other person
// sees must arrive live: neither page is reloaded (a marker set on each window must stay).
// The tests run in order and build on each other (one instance for the file).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, newContext, signInThroughForm, startProxy, WAIT } from './lib/weft.mjs';

let env;
let ana; // { page, … } Ana's browser (the context freshInstance signed in through /setup)
let bob; // Bob's account and browser, which reaches Weft through `proxy`
let proxy; // a loopback proxy whose connections the network-drop test cuts
let channel;
let threadId;
const TITLE = 'Q3 plan: which launch goes first';

/** Marks a window; `assertNotReloaded` fails if the page was loaded again since. */
const markWindow = (page) => page.evaluate(() => (window.__weftTestMarker = 'still the same page'));
async function assertNotReloaded(page, who) {
  assert.equal(await page.evaluate(() => window.__weftTestMarker), 'still the same page', `${who}'s page was reloaded`);
}

/** The thread ids in Ana's inbox, as the server has it. */
const inboxIds = async () =>
  (await env.weft.api(ana.token, 'inbox/get', { workspace_id: env.workspaceId }, { method: 'GET' })).map((t) => t.id);

const sidebar = (page) => page.getByRole('navigation', { name: 'Workspace' });
const comment = (page, text) => page.locator('article.post-comment').filter({ hasText: text });
const inboxRow = (page, title) => page.getByRole('list', { name: 'Inbox' }).getByRole('listitem').filter({ hasText: title });

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  ana = { ...admin, page: env.page };
  const account = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  proxy = await startProxy(weft.url);
  const context = await newContext(env.browser);
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  env.page.on('dialog', (d) => void d.accept());
  await signInThroughForm(page, proxy.url, account, `/a/${workspaceId}/inbox`);
  await page.waitForURL(`${proxy.url}/a/${workspaceId}/inbox`);
  bob = { ...account, context, page };
  await ana.page.goto(`${weft.url}/a/${workspaceId}/inbox`);
  await sidebar(ana.page).getByRole('link', { name: /General/ }).waitFor();
  await sidebar(bob.page).getByRole('link', { name: /General/ }).waitFor();
  await markWindow(ana.page);
  await markWindow(bob.page);
});

after(async () => {
  await proxy?.close();
  await env?.cleanup();
});

test('a channel created in the app can be found and joined by a colleague', async () => {
  // Ana creates it from the Browse channels dialog.
  await sidebar(ana.page).getByRole('button', { name: 'Browse channels' }).first().click();
  await ana.page.getByRole('dialog').getByRole('button', { name: 'New channel' }).click();
  await ana.page.getByRole('dialog').getByLabel('Name').fill('Planning');
  await ana.page.getByRole('dialog').getByLabel(/What is it for/).fill('Roadmap and launches');
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Create channel' }).click();
  await ana.page.locator('#view-title').filter({ hasText: 'Planning' }).waitFor();
  await sidebar(ana.page).getByRole('link', { name: /Planning/ }).waitFor();
  const channels = await env.weft.api(ana.token, 'channels/get', { workspace_id: env.workspaceId }, { method: 'GET' });
  channel = channels.find((c) => c.name === 'Planning');
  assert.ok(channel?.public, `a public channel Planning exists: ${JSON.stringify(channels.map((c) => c.name))}`);

  // Bob finds it in his Browse channels dialog and joins it.
  await sidebar(bob.page).getByRole('button', { name: 'Browse channels' }).first().click();
  const item = bob.page.getByRole('dialog').getByRole('listitem').filter({ hasText: 'Planning' });
  await item.getByText('Roadmap and launches').waitFor();
  await item.getByRole('button', { name: 'Join' }).click();
  await bob.page.locator('#view-title').filter({ hasText: 'Planning' }).waitFor();
  await sidebar(bob.page).getByRole('link', { name: /Planning/ }).waitFor();
  await eventually(async () => (await env.weft.api(bob.token, 'channels/getone', { id: channel.id }, { method: 'GET' })).user_ids.includes(bob.id), 'Bob is a member on the server');
  await assertNotReloaded(ana.page, 'Ana');
  await assertNotReloaded(bob.page, 'Bob');
});

test('a thread started in the app appears live in the other browser', async () => {
  // Both look at the channel (where the last step left them).
  await bob.page.getByText('#Planning has no threads yet').waitFor();
  await ana.page.locator('#view-title').filter({ hasText: 'Planning' }).waitFor();
  await ana.page.getByRole('button', { name: 'New thread' }).click();
  await ana.page.getByLabel('Title').fill(TITLE);
  await ana.page.getByLabel('What is it about?').fill('Two launches compete for **September**. Which one first?');
  await ana.page.getByRole('button', { name: 'Start thread' }).click();
  await ana.page.locator('#thread-title').filter({ hasText: TITLE }).waitFor();
  threadId = Number(/\/t\/(\d+)/.exec(ana.page.url())?.[1]);
  assert.ok(threadId > 0, `Ana is in the new thread: ${ana.page.url()}`);
  // The opening post is rendered Markdown.
  await ana.page.locator('article.post-thread strong').filter({ hasText: 'September' }).waitFor();

  await bob.page.getByRole('list', { name: 'Threads in Planning' }).getByRole('link', { name: new RegExp(TITLE) }).waitFor();
  await assertNotReloaded(bob.page, 'Bob');
});

test('comment, react, edit and delete, each seen live by the other person', async () => {
  await bob.page.getByRole('link', { name: new RegExp(TITLE) }).click();
  await bob.page.locator('#thread-title').filter({ hasText: TITLE }).waitFor();

  // Bob replies with Ctrl+Enter; Ana, who has the thread open, sees it arrive.
  await bob.page.getByLabel('Reply').fill('The mobile launch: the store review takes two weeks.');
  await bob.page.getByLabel('Reply').press('Control+Enter');
  await comment(bob.page, 'store review takes two weeks').waitFor();
  await comment(ana.page, 'store review takes two weeks').waitFor();
  assert.equal(await bob.page.getByLabel('Reply').inputValue(), '', 'the composer empties after sending');
  assert.equal(await comment(bob.page, 'store review takes two weeks').count(), 1, 'shown once (optimistic copy reconciled)');

  // Ana reacts to it; Bob sees the reaction.
  const onAnas = comment(ana.page, 'store review takes two weeks');
  await onAnas.hover();
  await onAnas.getByRole('button', { name: 'Add a reaction' }).first().click();
  await ana.page.getByRole('button', { name: 'React with 👍' }).click();
  await onAnas.getByRole('button', { name: /^👍 1/ }).waitFor();
  await comment(bob.page, 'store review takes two weeks').getByRole('button', { name: /^👍 1: Ana Lima/ }).waitFor();

  // Bob edits his comment; Ana sees the new text, marked edited.
  const onBobs = comment(bob.page, 'store review takes two weeks');
  await onBobs.hover();
  await onBobs.getByRole('button', { name: 'More actions' }).click();
  await bob.page.getByRole('button', { name: 'Edit', exact: true }).click();
  await bob.page.getByLabel('Edit your post').fill('The mobile launch: the store review takes three weeks.');
  await bob.page.getByRole('button', { name: 'Save', exact: true }).click();
  await comment(bob.page, 'three weeks').waitFor();
  await comment(ana.page, 'three weeks').waitFor();
  await comment(ana.page, 'three weeks').getByText('(edited)').waitFor();
  assert.equal(await comment(ana.page, 'two weeks').count(), 0, "Ana no longer sees the old text");

  // Bob deletes it (confirming); it goes from both pages.
  await comment(bob.page, 'three weeks').hover();
  await comment(bob.page, 'three weeks').getByRole('button', { name: 'More actions' }).click();
  await bob.page.getByRole('button', { name: 'Delete…' }).click();
  await comment(bob.page, 'three weeks').waitFor({ state: 'detached' });
  await comment(ana.page, 'three weeks').waitFor({ state: 'detached' });
  await eventually(async () => (await env.weft.api(ana.token, 'comments/get', { thread_id: threadId }, { method: 'GET' })).length === 0, 'the comment is gone on the server too');
  await assertNotReloaded(ana.page, 'Ana');
  await assertNotReloaded(bob.page, 'Bob');
});

test('Done takes a thread out of the inbox, and new activity brings it back live', async () => {
  // Bob writes to Ana in the thread: it is in her inbox.
  await bob.page.getByLabel('Reply').fill('Ana, can you decide by Friday?');
  await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
  await comment(bob.page, 'decide by Friday').waitFor();

  await sidebar(ana.page).getByRole('link', { name: /Inbox/ }).click();
  await inboxRow(ana.page, TITLE).waitFor();
  // Done, then Undo from the note it leaves: the thread is back, on the server too.
  await ana.page.getByRole('button', { name: `Done: ${TITLE}` }).click();
  await inboxRow(ana.page, TITLE).waitFor({ state: 'detached' });
  await ana.page.getByRole('button', { name: 'Undo' }).click();
  await inboxRow(ana.page, TITLE).waitFor();
  await eventually(async () => (await inboxIds()).includes(threadId), 'Undo puts it back on the server');
  await ana.page.getByRole('button', { name: `Done: ${TITLE}` }).click();
  await inboxRow(ana.page, TITLE).waitFor({ state: 'detached' });
  await ana.page.getByRole('heading', { name: 'Inbox zero' }).waitFor();
  await eventually(async () => !(await inboxIds()).includes(threadId), 'Done on the server too');

  // Bob answers again: the thread comes back into Ana's open inbox, without a reload.
  await bob.page.getByLabel('Reply').fill('Friday works, or Monday at the latest.');
  await bob.page.getByLabel('Reply').press('Control+Enter');
  await inboxRow(ana.page, TITLE).waitFor();
  assert.match(await inboxRow(ana.page, TITLE).innerText(), /Monday at the latest/, 'the row shows the new comment');
  // The tab's title carries the unread count.
  await ana.page.waitForFunction(() => /^\(\d+\) Weft$/.test(document.title), null, { timeout: WAIT });
  await assertNotReloaded(ana.page, 'Ana');
});

test('snooze takes a thread out of the inbox until the time picked', async () => {
  await ana.page.getByRole('button', { name: `Snooze: ${TITLE}` }).click();
  await ana.page.getByRole('button', { name: 'Tomorrow morning' }).click();
  await inboxRow(ana.page, TITLE).waitFor({ state: 'detached' });
  await eventually(async () => !(await inboxIds()).includes(threadId), 'snoozed on the server too');
  // After a reload it is still away (the server keeps the snooze, not the page).
  await ana.page.reload();
  await ana.page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  await ana.page.getByRole('heading', { name: 'Inbox zero' }).waitFor();
  await markWindow(ana.page);
});

test("the composer's notify list tells when a colleague off work will get it", async () => {
  // Bob works one hour a week, on a day three days from now (his zone is UTC): he is off now.
  const day = ((new Date().getUTCDay() + 3) % 7) || 7; // ISO weekday, 1 = Monday … 7 = Sunday
  await env.weft.api(bob.token, 'schedules/update', { timezone: 'UTC', working_hours: [{ weekday: day, start: '09:00', end: '10:00' }] });
  // Ana replies in the thread: Bob, a participant, is on the notify list by default.
  await ana.page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${channel.id}/t/${threadId}`);
  await ana.page.getByLabel('Reply').focus(); // the composer shows the full notify list once in use
  const when = ana.page.getByRole('list', { name: 'When they will get it' }).getByRole('listitem').filter({ hasText: 'Bob Tanaka' });
  await when.filter({ hasText: /off until .* their time.*will get it then/ }).waitFor();
  const weekday = new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.now() + 3 * 86400_000));
  assert.match(await when.innerText(), new RegExp(`${weekday}\\b.*\\b0?9[:.]00`), `names the day and hour he starts: ${await when.innerText()}`);
  await markWindow(ana.page);
});

test('a private channel someone is removed from disappears from their sidebar at once', async () => {
  const secret = await env.weft.api(ana.token, 'channels/add', { workspace_id: env.workspaceId, name: 'Board', public: false, user_ids: [bob.id] });
  await env.weft.api(ana.token, 'threads/add', { channel_id: secret.id, title: 'Budget for next year', content: 'Numbers attached.' });
  await sidebar(bob.page).getByRole('link', { name: /Board/ }).waitFor();
  await sidebar(bob.page).getByRole('link', { name: /Board/ }).click();
  await bob.page.getByRole('link', { name: /Budget for next year/ }).click();
  await bob.page.locator('#thread-title').filter({ hasText: 'Budget for next year' }).waitFor();
  await env.weft.api(ana.token, 'channels/remove_user', { id: secret.id, user_id: bob.id });
  await sidebar(bob.page).getByRole('link', { name: /Board/ }).waitFor({ state: 'detached' });
  await bob.page.getByRole('heading', { name: 'You no longer have access' }).waitFor();
  assert.equal(await bob.page.getByText('Numbers attached.').count(), 0, 'the content is gone from the page');
  await assertNotReloaded(bob.page, 'Bob');
  // Back to the shared thread for the next step.
  await bob.page.goto(`${proxy.url}/a/${env.workspaceId}/ch/${channel.id}/t/${threadId}`);
  await markWindow(bob.page);
});

test('after a network drop the app catches up with exactly what it missed, without a reload', async () => {
  const streams = [];
  bob.page.on('request', (r) => {
    if (r.url().includes('/api/v3/events/stream')) streams.push({ url: r.url(), lastEventId: r.headers()['last-event-id'] });
  });
  // Bob looks at the thread; his network goes away, and his open connections with it.
  await bob.page.locator('#thread-title').filter({ hasText: TITLE }).waitFor();
  await bob.context.setOffline(true);
  proxy.cut();
  // The app says it is not connected (it may be trying again: "Connecting…").
  await bob.page.getByRole('status').filter({ hasText: /Offline|Connecting/ }).waitFor();
  // Meanwhile Ana posts three comments (through the API: her browser is not the point here).
  const missed = ['Missed one: budget approved', 'Missed two: design ready', 'Missed three: launch on the 14th'];
  for (const content of missed) await env.weft.api(ana.token, 'comments/add', { thread_id: threadId, content });
  assert.equal(await comment(bob.page, 'Missed').count(), 0, 'nothing reaches Bob while his network is down');
  const before = streams.length;

  // Back online: each missed comment appears, once, in order, and the offline notice goes.
  await bob.context.setOffline(false);
  for (const text of missed) await comment(bob.page, text).waitFor({ timeout: WAIT * 2 });
  await bob.page.getByRole('status').filter({ hasText: /Offline|Connecting/ }).waitFor({ state: 'detached' });
  const shown = await bob.page.locator('article.post-comment').allInnerTexts();
  for (const text of missed) assert.equal(shown.filter((s) => s.includes(text)).length, 1, `"${text}" shown exactly once`);
  const order = missed.map((text) => shown.findIndex((s) => s.includes(text)));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in the order they were posted');
  const resumed = streams.slice(before).filter((r) => /[?&]after=\d+/.test(r.url) || r.lastEventId);
  assert.ok(resumed.length > 0, `the stream was reopened from its last event: ${JSON.stringify(streams)}`);

  // And the stream is live again: a new comment arrives by itself.
  await env.weft.api(ana.token, 'comments/add', { thread_id: threadId, content: 'After the drop: all good' });
  await comment(bob.page, 'After the drop: all good').waitFor();
  await assertNotReloaded(bob.page, 'Bob');
});
