// Deciding in writing: a thread's author names its DRI and when the decision is due, from
// the thread's header; the DRI sees it in Owed; the DRI marks a comment as the decision
// (badge, status, the summary by the header — live for the others) and can take it back;
// someone else sees it all but changes nothing; the Decisions page finds decisions as you
// type and by channel, leads to the comment, and exports them as Markdown and CSV files.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { eventually, freshInstance, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let page;
let bob;
let carol;
let planning;
let design;
let thread;
let billing; // Carol's comment that becomes the decision
let bobContext;
let bobPage;
let carolContext;
let carolPage;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', timezone: 'Asia/Tokyo', workspaceId, adminToken: admin.token });
  carol = await weft.addPerson({ name: 'Carol Okafor', email: 'carol@acme.test', timezone: 'America/New_York', workspaceId, adminToken: admin.token });
  planning = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Planning', public: true, user_ids: [bob.id, carol.id] });
  design = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Design', public: true, user_ids: [bob.id, carol.id] });
  thread = await weft.api(admin.token, 'threads/add', { channel_id: planning.id, title: 'Launch order', content: 'Mobile or billing first in September?' });
  billing = await weft.api(carol.token, 'comments/add', { thread_id: thread.id, content: 'Billing first: **finance** is free in September, not in October.' });
  await weft.api(bob.token, 'comments/add', { thread_id: thread.id, content: 'Mobile needs two weeks of store review, so either works for me.' });
  page = env.page;
  bobContext = await newContext(env.browser);
  bobPage = await bobContext.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/inbox`);
  carolContext = await newContext(env.browser);
  carolPage = await carolContext.newPage();
  await signInThroughForm(carolPage, weft.url, carol, `/a/${workspaceId}/inbox`);
});

after(async () => {
  await bobContext?.close();
  await carolContext?.close();
  await env?.cleanup();
});

const threadUrl = () => `${env.weft.url}/a/${env.workspaceId}/ch/${planning.id}/t/${thread.id}`;
const getThread = () => env.weft.api(env.admin.token, 'threads/getone', { id: thread.id }, { method: 'GET' });
const settings = (p) => p.getByRole('button', { name: /change the DRI, status or due date/ });

/** Two days from now, 17:00 in Lisbon (Ana's zone), as a datetime-local value. */
function dueInLisbon() {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon', year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now() + 2 * 86400_000);
  return `${day}T17:00`;
}
const lisbonClock = (ts) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Lisbon', hour: '2-digit', minute: '2-digit' }).format(ts * 1000);

async function looks(p, name, { phone = true } = {}) {
  await screenshot(p, `${name}-wide-light`);
  await p.emulateMedia({ colorScheme: 'dark' });
  await screenshot(p, `${name}-wide-dark`);
  if (phone) {
    await p.setViewportSize({ width: 390, height: 844 });
    await screenshot(p, `${name}-phone-dark`);
    await p.emulateMedia({ colorScheme: 'light' });
    await screenshot(p, `${name}-phone-light`);
    await p.setViewportSize({ width: 1280, height: 800 });
  }
  await p.emulateMedia({ colorScheme: 'light' });
}

test("the thread's author names the DRI and the due date from the header; the DRI owes it", async () => {
  await page.goto(threadUrl());
  const bar = page.locator('.deciding-bar');
  await bar.getByText('No DRI').waitFor();
  await page.locator('.thread-subtitle').getByText('Open', { exact: true }).waitFor();
  await settings(page).click();
  await page.getByLabel('DRI — the one person who decides').selectOption({ label: 'Bob Tanaka' });
  await page.locator('.toast').getByText('DRI: Bob Tanaka').waitFor();
  await page.getByLabel('Decision due (your time)').fill(dueInLisbon());
  await page.getByRole('button', { name: 'Set due date' }).click();
  await page.locator('.toast').getByText(/^Decision due /).waitFor();
  await screenshot(page, 'deciding-menu-wide-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'deciding-menu-wide-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Done', exact: true }).last().click();
  await bar.getByText('Bob Tanaka').waitFor();
  await bar.getByText(/^Decision due /).waitFor();
  const t = await eventually(async () => {
    const x = await getThread();
    return x.dri_id === bob.id && x.decision_due_ts ? x : null;
  }, 'the DRI and due date are on the server');
  assert.equal(lisbonClock(t.decision_due_ts), '17:00', 'due at 17:00 Ana’s time');
  assert.equal(t.status, 'open');

  // Bob, the DRI, owes the decision: in Owed (live), worded as a decision, and in the thread.
  const owed = bobPage.getByRole('link', { name: /^Owed/ });
  await eventually(async () => (await owed.textContent()).includes('1'), 'Bob’s Owed count shows 1');
  await owed.click();
  const row = bobPage.getByRole('list', { name: 'Owed, open' }).getByRole('listitem').filter({ hasText: 'Launch order' });
  await row.getByText(/You are the DRI · Your decision is due .+ of your time left/).waitFor();
  await row.getByRole('link', { name: 'Open thread' }).waitFor({ state: 'attached' });
  await looks(bobPage, 'owed-decision', { phone: true });
  await row.getByRole('link').first().click();
  await bobPage.getByRole('note').getByText(/You are the DRI\. Your decision is due /).waitFor();
  // Ana does not wait for an answer here: the header says who decides by when.
  await page.getByRole('link', { name: /^Waiting/ }).click();
  await page.getByRole('list', { name: 'Waiting, open' }).getByText(/Bob Tanaka is the DRI · The decision is due /).waitFor();
});

test('the DRI marks a comment as the decision: badge, status and summary, live for the others', async () => {
  await page.goto(threadUrl());
  await page.locator('.deciding-bar').getByText('Bob Tanaka').waitFor();
  // Bob is in the thread (from his Owed list).
  const comment = bobPage.locator(`#comment-${billing.id}`);
  await comment.hover();
  await comment.getByRole('button', { name: 'More actions' }).click();
  await comment.getByRole('button', { name: 'Mark as decision' }).click();
  await comment.locator('.tag-decision').getByText('Decision').waitFor();
  await bobPage.locator('.thread-subtitle').getByText('Decided', { exact: true }).waitFor();
  await bobPage.locator('.deciding-decision').getByText(/Billing first: finance is free in September/).waitFor();
  // The due date is met: Bob's note and Owed count go.
  await bobPage.getByRole('note').waitFor({ state: 'detached' });
  await eventually(async () => !/\d/.test(await bobPage.getByRole('link', { name: /^Owed/ }).textContent()), 'Bob’s Owed count is gone');
  // Ana sees it without reloading.
  await page.locator(`#comment-${billing.id} .tag-decision`).waitFor();
  await page.locator('.thread-subtitle').getByText('Decided', { exact: true }).waitFor();
  const pill = page.locator('.thread-subtitle .status-pill');
  assert.match(await pill.getAttribute('title'), /^Decided by Bob Tanaka, /);
  const t = await getThread();
  assert.equal(t.decision_comment_id, billing.id);
  assert.equal(t.status, 'decided');
  await looks(page, 'decision-thread');
  // The summary jumps to the decision.
  await page.locator('.deciding-decision').click();
  await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === `comment-${billing.id}`, 'the decision has the focus');
});

test('the DRI takes the decision back and marks it again', async () => {
  const comment = bobPage.locator(`#comment-${billing.id}`);
  await comment.hover();
  await comment.getByRole('button', { name: 'More actions' }).click();
  await comment.getByRole('button', { name: 'Unmark as decision' }).click();
  await comment.locator('.tag-decision').waitFor({ state: 'detached' });
  await bobPage.locator('.thread-subtitle').getByText('Open', { exact: true }).waitFor();
  await bobPage.locator('.deciding-decision').waitFor({ state: 'detached' });
  await eventually(async () => (await getThread()).decision_comment_id === undefined, 'no decision on the server');
  await comment.hover();
  await comment.getByRole('button', { name: 'More actions' }).click();
  await comment.getByRole('button', { name: 'Mark as decision' }).click();
  await comment.locator('.tag-decision').waitFor();
  await eventually(async () => (await getThread()).decision_comment_id === billing.id, 'the decision again on the server');
});

test('someone who is neither author, DRI nor admin sees the decision and changes nothing', async () => {
  await carolPage.goto(threadUrl());
  const bar = carolPage.locator('.deciding-bar');
  await bar.getByText('Bob Tanaka').waitFor();
  await bar.locator('.deciding-decision').waitFor();
  assert.equal(await settings(carolPage).count(), 0, 'no DRI, status or due date menu');
  const comment = carolPage.locator(`#comment-${billing.id}`);
  await comment.hover();
  await comment.getByRole('button', { name: 'More actions' }).click();
  await comment.getByRole('button', { name: 'Copy link' }).waitFor();
  assert.equal(await comment.getByRole('button', { name: /as decision/ }).count(), 0, 'no Mark as decision');
  await carolPage.keyboard.press('Escape');
  await env.weft.api(carol.token, 'threads/update', { id: thread.id, dri_id: carol.id }, { expectStatus: 403 });
});

test('the Decisions page: g d, search as you type, a channel, and the way to the comment', async () => {
  const { weft, workspaceId } = env;
  // A second decision, in Design: Carol's own thread, decided by its author (no DRI).
  const logo = await weft.api(carol.token, 'threads/add', { channel_id: design.id, title: 'Logo direction', content: 'Which of the three drafts?' });
  const pick = await weft.api(bob.token, 'comments/add', { thread_id: logo.id, content: 'The second draft: it reads best at small sizes.' });
  await weft.api(carol.token, 'comments/mark_decision', { id: pick.id });

  await page.goto(`${weft.url}/a/${workspaceId}/inbox`);
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.keyboard.press('g');
  await page.keyboard.press('d');
  await page.waitForURL(/\/decisions$/);
  const log = page.getByRole('list', { name: 'Decisions' });
  const entries = log.locator('[data-nav-item]');
  await eventually(async () => (await entries.count()) === 2, 'two decisions in the log');
  // Newest first.
  assert.match(await entries.first().textContent(), /Logo direction/);
  const launch = entries.filter({ hasText: 'Launch order' });
  await launch.getByText('Written by Carol Okafor, marked by Bob Tanaka', { exact: false }).waitFor();
  await launch.locator('.decision-dri').getByText('Bob Tanaka').waitFor();
  await launch.locator('.md strong').getByText('finance').waitFor(); // rendered as Markdown
  await looks(page, 'decisions-log', { phone: true });

  // Typing searches, without pressing Enter.
  await page.getByLabel('Search decisions').pressSequentially('finance', { delay: 20 });
  await eventually(async () => (await entries.count()) === 1 && /Launch order/.test(await entries.first().textContent()), 'only the launch decision matches');
  await page.getByLabel('Search decisions').fill('');
  await eventually(async () => (await entries.count()) === 2, 'both again');
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: '#Design' });
  await eventually(async () => (await entries.count()) === 1 && /Logo direction/.test(await entries.first().textContent()), 'only Design’s decision');
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'All channels' });
  await eventually(async () => (await entries.count()) === 2, 'both again');

  // An entry leads to its thread, at the decision.
  await launch.getByRole('link', { name: 'Launch order' }).click();
  await page.waitForURL(new RegExp(`/t/${thread.id}/c/${billing.id}$`));
  const decision = page.locator(`#comment-${billing.id}`);
  await decision.locator('.tag-decision').waitFor();
  assert.ok(await decision.evaluate((el) => el.classList.contains('is-highlighted')), 'the decision is highlighted');
});

test('the decisions export as a Markdown file and a CSV file', async () => {
  const { weft, workspaceId } = env;
  await page.goto(`${weft.url}/a/${workspaceId}/decisions`);
  await page.getByRole('list', { name: 'Decisions' }).locator('[data-nav-item]').first().waitFor();
  for (const [name, ext, expect] of [
    ['Export as Markdown', '.md', [/Launch order/, /Billing first: \*\*finance\*\* is free in September/, /Logo direction/]],
    ['Export as CSV', '.csv', [/^decided_at,channel,/, /Launch order/, /Logo direction/]],
  ]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name })
      .click()]);
    assert.ok(download.suggestedFilename().endsWith(ext), `${download.suggestedFilename()} ends with ${ext}`);
    const text = await readFile(await download.path(), 'utf8');
    for (const re of expect) assert.match(text, re, `${ext} has ${re}`);
    await page.locator('.toast').getByText(`Downloaded ${download.suggestedFilename()}`).waitFor();
  }
  // Filtered, the export is too.
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: '#Design' });
  await eventually(async () => (await page.getByRole('list', { name: 'Decisions' }).locator('[data-nav-item]').count()) === 1, 'one decision shown');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as CSV' }).click()]);
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /Logo direction/);
  assert.doesNotMatch(text, /Launch order/);
  assert.deepEqual(env.context.problems.filter((p) => !/favicon/.test(p)), [], 'no errors in Ana’s page');
});

test('a decision past its due date shows overdue, in red, to everyone and in the DRI’s Owed', async (t) => {
  const { weft, admin, workspaceId } = env;
  const budget = await weft.api(admin.token, 'threads/add', { channel_id: planning.id, title: 'Travel budget', content: 'How much for the offsite?' });
  await weft.api(admin.token, 'threads/update', { id: budget.id, dri_id: bob.id, decision_due_ts: Math.floor(Date.now() / 1000) + 3600 });
  // The API takes due dates in the future only (rightly): two hours pass, in the database.
  const moved = await weft.sql(
    `UPDATE threads SET decision_due_ts = decision_due_ts - 7200 WHERE id = ${budget.id};
     UPDATE expectations SET due_ts = due_ts - 7200 WHERE kind = 'decision' AND thread_id = ${budget.id} AND resolution IS NULL;`,
  );
  if (!moved) {
    t.skip('needs the sqlite3 command and an SQLite data directory to move a due date into the past');
    return;
  }
  await page.goto(`${weft.url}/a/${workspaceId}/ch/${planning.id}/t/${budget.id}`);
  const due = page.locator('.deciding-due.is-overdue');
  await due.getByText(/^Decision overdue since /).waitFor();
  const color = await due.evaluate((el) => getComputedStyle(el).color);
  const urgent = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--urgent)';
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  assert.equal(color, urgent, 'overdue is in the urgent red');
  await screenshot(page, 'decision-overdue-wide-light');
  await bobPage.goto(`${weft.url}/a/${workspaceId}/owed/overdue`);
  const row = bobPage.getByRole('list', { name: 'Owed, overdue' }).getByRole('listitem').filter({ hasText: 'Travel budget' });
  await row.getByText(/You are the DRI · Your decision was due .+: overdue/).waitFor();
  await row.getByText('Overdue', { exact: true }).waitFor();
});
