// Calm analytics: Ana (an admin) opens Analytics with `g a` and reads the team's figures —
// the posts, the share written outside working hours, the pushes during do-not-disturb
// (urgent or not), the answer asked for and given, the emergency and its acknowledgement,
// the access request granted — each with what calm looks like; the chart has every day of
// the period; each person's figures are a table she can sort, and the person picker (or a
// name) shows one person's figures alone; a custom period is checked before it is asked
// for, and a quiet one shows "—". A meeting that ended without outcomes is listed with a
// link to its agenda thread. Bob (not an admin) finds "My analytics" in his menu and sees
// only his own figures, with no person picker; the API refuses him Ana's (403). "Export
// CSV" downloads the figures (scope,user_id,date,metric,value).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { eventually, freshInstance, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let page;
let bob;
let carol;
let planning;
let bobContext;
let bobPage;

const two = (n) => String(n).padStart(2, '0');
const allWeek = (start, end) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  const api = (who, endpoint, body) => weft.api(who.token, endpoint, body);
  // Bob joins the workspace only once his hours are set (below): had he joined first, the
  // push telling him so would go out at once whenever Tokyo's default hours are on, and
  // count among the figures.
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', timezone: 'Asia/Tokyo' });
  carol = await weft.addPerson({ name: 'Carol Okafor', email: 'carol@acme.test', timezone: 'America/New_York', workspaceId, adminToken: admin.token });
  // Ana and Carol work around the clock; Bob one hour a day, eleven hours from now, and he
  // is in do-not-disturb for the next three hours: whatever he writes now is outside his
  // working hours, and only an emergency should reach him.
  await api(admin, 'schedules/update', { working_hours: allWeek('00:00', '24:00') });
  await api(carol, 'schedules/update', { working_hours: allWeek('00:00', '24:00') });
  const tokyoHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', hourCycle: 'h23' }).format(Date.now()));
  const start = Math.min((tokyoHour + 11) % 24, 22);
  const now = Math.floor(Date.now() / 1000);
  await api(bob, 'schedules/update', {
    working_hours: allWeek(`${two(start)}:00`, `${two(start + 1)}:00`),
    dnd_ranges: [{ from_ts: now - 60, to_ts: now + 3 * 3600 }],
  });
  await api(admin, 'workspace_users/add', { id: workspaceId, email: bob.email });
  await api(bob, 'workspace_users/accept_invite', { id: workspaceId });

  planning = await api(admin, 'channels/add', { workspace_id: workspaceId, name: 'Planning', public: true, user_ids: [bob.id, carol.id] });
  const incidents = await api(admin, 'channels/add', { workspace_id: workspaceId, name: 'Incidents', public: true, emergency: true, user_ids: [bob.id, carol.id] });
  const leads = await api(admin, 'channels/add', { workspace_id: workspaceId, name: 'Team leads', public: false, user_ids: [bob.id] });
  // Five posts: Ana asks Bob for an answer and he gives it; Carol starts a thread; Ana
  // thanks Bob; Ana raises an emergency that reaches Bob (during his do-not-disturb), and
  // he acknowledges it.
  const question = await api(admin, 'threads/add', { channel_id: planning.id, title: 'Launch order', content: 'Mobile or billing first?', recipients: [bob.id], request_reply: [bob.id] });
  await api(bob, 'comments/add', { thread_id: question.id, content: 'Billing first: finance is free in September.', recipients: [admin.id] });
  await api(carol, 'threads/add', { channel_id: planning.id, title: 'Offsite', content: 'Where shall we meet in spring?', recipients: [admin.id] });
  await api(admin, 'comments/add', { thread_id: question.id, content: 'Thanks, billing it is.', recipients: [carol.id] });
  await api(admin, 'threads/add', { channel_id: incidents.id, title: 'Payments are failing', content: 'Checkout errors since 10:02.', recipients: [bob.id], urgent: true });
  const [emergency] = await weft.api(bob.token, 'emergencies/get', { workspace_id: workspaceId }, { method: 'GET' });
  await api(bob, 'emergencies/ack', { id: emergency.id });
  // Carol asks to join a private channel; Ana lets her in.
  const request = await api(carol, 'access/request', { channel_id: leads.id, note: 'I lead the support team now.' });
  await api(admin, 'access/approve', { id: request.id });

  page = env.page;
  bobContext = await newContext(env.browser);
  bobPage = await bobContext.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/inbox`);
  await bobPage.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
});

after(async () => {
  await bobContext?.close();
  await env?.cleanup();
});

const analyticsUrl = (query = '') => `${env.weft.url}/a/${env.workspaceId}/analytics${query}`;

/** Does `action` and answers the analytics/get request the page made for it, and its answer. */
async function report(p, action) {
  const [response] = await Promise.all([p.waitForResponse((r) => r.url().endsWith('/api/v3/analytics/get')), action()]);
  assert.equal(response.status(), 200, `analytics/get answered ${response.status()}`);
  const answer = await response.json();
  // The page shows it once it has drawn the chart.
  await p.getByRole('img', { name: /^Posts and pushes day by day/ }).waitFor();
  await p.waitForFunction(() => !document.querySelector('.an-body[aria-busy="true"]'));
  return { asked: response.request().postDataJSON(), answer };
}

const card = (p, name) => p.getByRole('main').getByRole('region', { name, exact: true });
const figure = async (p, name) => (await card(p, name).locator('.an-figure').innerText()).trim();

/** The day rows of the chart's table ("The numbers, day by day"), as numbers. */
async function dayTable(p) {
  const details = p.locator('details.an-numbers');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  return details.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent))),
  );
}

/** A screenshot of the top of the page (the figures) and one of the chart below them. */
async function shots(p, name, look) {
  await screenshot(p, `${name}-${look}`);
  // Only the view scrolls (scrollIntoView would move the whole frame when the view cannot).
  await p.locator('.an-section').first().evaluate((el) => {
    const view = el.closest('.analytics-view');
    view.scrollTop = el.getBoundingClientRect().top - view.getBoundingClientRect().top + view.scrollTop - 70;
  });
  await screenshot(p, `${name}-days-${look}`);
  await p.locator('.analytics-view').evaluate((el) => el.scrollTo(0, 0));
}

async function looks(p, name) {
  await shots(p, name, 'wide-light');
  await p.emulateMedia({ colorScheme: 'dark' });
  await shots(p, name, 'wide-dark');
  await p.setViewportSize({ width: 390, height: 844 });
  await shots(p, name, 'phone-dark');
  const spill = await p.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert.equal(spill, false, `${name} spills sideways on a phone`);
  await p.emulateMedia({ colorScheme: 'light' });
  await shots(p, name, 'phone-light');
  await p.setViewportSize({ width: 1280, height: 800 });
}

test("g a opens the team's analytics: every figure, with what calm looks like", async () => {
  const { weft, workspaceId } = env;
  await page.goto(`${weft.url}/a/${workspaceId}/inbox`);
  await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  const { asked, answer } = await report(page, async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('a');
  });
  await page.waitForURL(/\/analytics$/);
  await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
  await page.locator('.view-subtitle').getByText(/^Acme, everyone · /).waitFor();
  // The last 30 days by default, for the whole workspace.
  assert.equal(await page.getByLabel('Period', { exact: true }).inputValue(), '30d');
  assert.equal(await page.getByLabel('Person', { exact: true }).inputValue(), '');
  assert.equal(asked.user_id, undefined, 'the whole workspace');
  assert.ok(asked.to - asked.from >= 29 * 86400 && asked.to - asked.from <= 31 * 86400, 'thirty days');

  // The server counted what happened…
  assert.equal(answer.posts.total, 5);
  assert.equal(answer.posts.outside_working_hours, 1);
  assert.equal(answer.answers.asked, 1);
  assert.equal(answer.answers.answered, 1);
  assert.equal(answer.emergencies.raised, 1);
  assert.equal(answer.emergencies.acknowledged, 1);
  assert.equal(answer.access_requests.granted, 1);
  assert.equal(answer.pushes.during_dnd_urgent, 1);
  assert.equal(answer.pushes.during_dnd, 1);
  // … and the page says it.
  assert.equal(await figure(page, 'Posts outside working hours'), '20%');
  await card(page, 'Posts outside working hours').getByText('1 of 5 posts, by the writer’s own hours').waitFor();
  const perDay = Number(await figure(page, 'Pushes per person per working day'));
  assert.ok(Math.abs(perDay - answer.pushes.per_person_per_working_day) <= 0.05, `${perDay} pushes per person per working day`);
  await card(page, 'Pushes per person per working day').getByText(`${answer.pushes.total} pushes in ${answer.pushes.working_days} working days (3 people) · 1 urgent`).waitFor();
  assert.equal(await figure(page, 'Pushes during do-not-disturb'), '1');
  await card(page, 'Pushes during do-not-disturb').getByText('1 urgent · 0 other').waitFor();
  await card(page, 'Time to answer').getByText('1 of 1 asked answered, 1 on time (100%) · 0 overdue, still open').waitFor();
  assert.match(await figure(page, 'Time to answer'), /^(<1 min|\d+ min) median$/);
  assert.equal(await figure(page, 'Threads and meetings'), '3 threads · 0 meetings');
  await card(page, 'Threads and meetings').getByText('No meetings: everything was written down').waitFor();
  assert.equal(await figure(page, 'Meetings without outcomes'), '0');
  assert.equal(await figure(page, 'Emergencies'), '1');
  await card(page, 'Emergencies').getByText(/^1 acknowledged · .+ to acknowledge \(median\)/).waitFor();
  assert.equal(await figure(page, 'Access requests'), '1');
  await card(page, 'Access requests').getByText(/^1 granted, 0 denied, 0 pending · .+ to grant \(median\)/).waitFor();
  // Each says what calm looks like (docs/working-async.md).
  await card(page, 'Pushes per person per working day').getByText(/Calm looks like: a handful\./).waitFor();
  await card(page, 'Meetings without outcomes').getByText(/Calm looks like: none\. A meeting nobody wrote up is lost/).waitFor();
  await card(page, 'Access requests').getByText(/Calm looks like: granted within hours, not days\./).waitFor();
  await card(page, 'Pushes during do-not-disturb').getByText('Calm', { exact: true }).waitFor();

  // The chart: every day of the period, the quiet ones at zero.
  const chart = page.getByRole('img', { name: /^Posts and pushes day by day/ });
  assert.match(await chart.getAttribute('aria-label'), /: 5 posts \(1 outside working hours\) and 7 pushes; most posts on /);
  const days = await page.locator('.an-plot .an-day').count();
  assert.ok(days >= 30 && days <= 31, `${days} days in the chart`);
  const rows = await dayTable(page);
  assert.equal(rows.length, days, 'a table row for each day');
  assert.equal(rows.reduce((n, r) => n + r[0], 0), 5, 'five posts in the table');
  assert.equal(rows.reduce((n, r) => n + r[1], 0), 1, 'one of them outside working hours');
  assert.equal(rows.filter((r) => r[0] === 0).length, days - answer.days.filter((d) => d.posts > 0).length, 'days without posts at zero');
  await looks(page, 'analytics-team');
});

test('the last 7 days: seven days in the chart; each person in a table, sortable', async () => {
  const { answer, asked } = await report(page, () => page.getByLabel('Period', { exact: true }).selectOption({ label: 'Last 7 days' }));
  await page.waitForURL(/\/analytics\?period=7d$/);
  assert.ok(asked.to - asked.from >= 6.9 * 86400 && asked.to - asked.from <= 7.1 * 86400, 'seven days');
  assert.equal(await page.locator('.an-plot .an-day').count(), 7);
  const rows = await dayTable(page);
  assert.equal(rows.length, 7);
  assert.equal(rows.reduce((n, r) => n + r[0], 0), 5);
  assert.equal(rows.reduce((n, r) => n + r[2], 0), answer.pushes.total, 'the pushes, day by day');

  // Each person, in the server's order (most pushes per working day first).
  const table = page.getByRole('region', { name: 'Each person’s figures' }).getByRole('table');
  const names = () => table.locator('tbody th').allInnerTexts();
  const byId = { [env.admin.id]: 'Ana Lima', [bob.id]: 'Bob Tanaka', [carol.id]: 'Carol Okafor' };
  assert.deepEqual(await names(), answer.by_person.map((p) => byId[p.user_id]));
  const bobRow = table.locator('tbody tr').filter({ hasText: 'Bob Tanaka' });
  assert.deepEqual((await bobRow.locator('td').allInnerTexts()).slice(1), ['1', '1', '100%'], 'Bob: 1 push during DND, 1 post, all outside his hours');
  // Sorted by posts, most first: Ana wrote three.
  await table.getByRole('button', { name: 'Posts', exact: true }).click();
  assert.equal(await table.locator('th[aria-sort]').getAttribute('aria-sort'), 'descending');
  assert.equal((await names())[0], 'Ana Lima');
  await table.getByRole('button', { name: 'Person' }).click();
  assert.deepEqual(await names(), ['Ana Lima', 'Bob Tanaka', 'Carol Okafor']);
  assert.equal(await table.locator('th[aria-sort]').getAttribute('aria-sort'), 'ascending');
});

test("the person picker (or a name) shows one person's figures alone", async () => {
  const { asked, answer } = await report(page, () => page.getByLabel('Person', { exact: true }).selectOption({ label: 'Bob Tanaka' }));
  assert.equal(asked.user_id, bob.id);
  assert.equal(answer.user_id, bob.id);
  await page.waitForURL(new RegExp(`person=${bob.id}`));
  await page.locator('.view-subtitle').getByText(/^Bob Tanaka · /).waitFor();
  await card(page, 'Pushes per working day').waitFor();
  assert.equal(await figure(page, 'Posts outside working hours'), '100%');
  await card(page, 'Posts outside working hours').getByText('1 of 1 post, by the writer’s own hours').waitFor();
  await card(page, 'Pushes during do-not-disturb').getByText('1 urgent · 0 other').waitFor();
  await card(page, 'Time to answer').getByText(/^1 of 1 asked answered/).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'By person' }).count(), 0, 'no table of people for one person');
  assert.match(await page.getByRole('img', { name: /^Posts and pushes/ }).getAttribute('aria-label'), /: 1 post \(1 outside working hours\) and 1 push;/);
  await looks(page, 'analytics-person');

  // Back to everyone; a name in the table shows that person.
  await report(page, () => page.getByLabel('Person', { exact: true }).selectOption({ label: 'Whole workspace' }));
  const carolAnswer = await report(page, () => page.getByRole('region', { name: 'Each person’s figures' }).getByRole('link', { name: 'Carol Okafor' }).click());
  assert.equal(carolAnswer.asked.user_id, carol.id);
  assert.equal(await page.getByLabel('Person', { exact: true }).inputValue(), String(carol.id));
  await card(page, 'Posts outside working hours').getByText('0 of 1 post, by the writer’s own hours').waitFor();
  const everyone = await report(page, () => page.getByLabel('Person', { exact: true }).selectOption({ label: 'Whole workspace' }));
  // From the keyboard: j selects the first person in the table, Enter shows their figures.
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('j');
  const first = everyone.answer.by_person[0].user_id;
  await eventually(async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-id'))) === String(first), 'the first row has the focus');
  const chosen = await report(page, () => page.keyboard.press('Enter'));
  assert.equal(chosen.asked.user_id, first);
  await report(page, () => page.getByLabel('Person', { exact: true }).selectOption({ label: 'Whole workspace' }));
});

test('a custom period is checked before it is asked for; a quiet one shows "—"', async () => {
  await page.getByLabel('Period', { exact: true }).selectOption({ label: 'Custom…' });
  await page.waitForURL(/period=custom&from=\d{4}-\d{2}-\d{2}&until=\d{4}-\d{2}-\d{2}/);
  const from = page.getByLabel('From', { exact: true });
  const until = page.getByLabel('Until', { exact: true });
  assert.match(await from.inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'starts from the period shown');
  const last = await until.inputValue();
  await from.fill('2025-03-10');
  await until.fill('2025-03-01');
  await page.getByRole('alert').getByText('The last day is before the first one.').waitFor();
  await from.fill('2023-01-01');
  await until.fill('2025-03-01');
  await page.getByRole('alert').getByText('At most 366 days at a time.').waitFor();
  // A week long ago, before anyone was here: nothing to measure.
  await from.fill('2025-03-03');
  const quiet = await report(page, () => until.fill('2025-03-09'));
  assert.equal(quiet.answer.posts.total, 0);
  assert.equal(await page.locator('.an-plot .an-day').count(), 7);
  assert.equal(await figure(page, 'Posts outside working hours'), '—');
  assert.equal(await figure(page, 'Time to answer'), '—');
  await card(page, 'Posts outside working hours').getByText('No posts in this period').waitFor();
  await page.getByText(/Nothing was posted or pushed in this period\./).waitFor();
  assert.ok(last, 'the custom period had a last day');
  await report(page, () => page.getByLabel('Period', { exact: true }).selectOption({ label: 'Last 7 days' }));
});

test('Export CSV downloads every figure', async () => {
  await page.goto(analyticsUrl('?period=7d'));
  await page.getByRole('img', { name: /^Posts and pushes day by day/ }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^weft-analytics-.+\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  assert.equal(text.split(/\r?\n/)[0], 'scope,user_id,date,metric,value');
  assert.match(text, /^workspace,,,posts,5\r?$/m);
  assert.match(text, /^workspace,,,answers_answered,1\r?$/m);
  assert.match(text, new RegExp(`^person,${bob.id},,posts_outside_working_hours,1\\r?$`, 'm'));
  await page.locator('.toast').getByText(`Downloaded ${download.suggestedFilename()}`).waitFor();
});

test('a meeting that ended without outcomes is listed, with the way to its agenda thread', async (t) => {
  const { weft, admin, workspaceId } = env;
  const { meeting } = await weft.api(admin.token, 'meetings/add', {
    workspace_id: workspaceId, channel_id: planning.id, title: 'Hiring retro', reason: 'sensitive_feedback', attendee_ids: [carol.id],
    starts_ts: Math.floor(Date.now() / 1000) + 3600, duration_min: 30, agenda: 'How the last hire went.',
  });
  // The API plans meetings in the future only (rightly): three hours pass, in the database.
  const moved = await weft.sql(`UPDATE meetings SET starts_ts = starts_ts - ${3 * 3600} WHERE id = ${meeting.id};`);
  if (!moved) {
    t.skip('needs the sqlite3 command and an SQLite data directory to move a meeting into the past');
    return;
  }
  const { answer } = await report(page, () => page.goto(analyticsUrl('?period=7d')));
  assert.equal(answer.meetings_without_outcomes_count, 1);
  assert.equal(await figure(page, 'Meetings without outcomes'), '1');
  const outcomes = card(page, 'Meetings without outcomes');
  await outcomes.getByText('Worth a look').waitFor();
  await card(page, 'Threads and meetings').getByText(/ threads for every meeting$/).waitFor();
  await looks(page, 'analytics-outcomes');
  await outcomes.getByRole('link', { name: 'Hiring retro' }).click();
  await page.waitForURL(new RegExp(`/ch/${planning.id}/t/${meeting.thread_id}$`));
  await page.getByRole('region', { name: 'Meeting' }).waitFor();
});

test('someone who is not an admin sees “My analytics”: their own figures, nobody else’s', async () => {
  const { weft, admin, workspaceId } = env;
  await bobPage.getByRole('button', { name: 'Your menu' }).click();
  assert.equal(await bobPage.getByRole('link', { name: 'Analytics', exact: true }).count(), 0);
  const mine = await report(bobPage, () => bobPage.getByRole('link', { name: 'My analytics' }).click());
  await bobPage.waitForURL(/\/analytics$/);
  await bobPage.getByRole('heading', { level: 1, name: 'My analytics' }).waitFor();
  await bobPage.locator('.view-subtitle').getByText(/^Only you see these · /).waitFor();
  assert.equal(mine.asked.user_id, undefined, 'his own, by default');
  assert.equal(mine.answer.user_id, bob.id);
  assert.equal(await bobPage.getByLabel('Person', { exact: true }).count(), 0, 'no person picker');
  assert.equal(await bobPage.getByRole('heading', { name: 'By person' }).count(), 0);
  await card(bobPage, 'Pushes per working day').waitFor();
  assert.equal(await figure(bobPage, 'Posts outside working hours'), '100%');
  await card(bobPage, 'Posts outside working hours').getByText('1 of 1 post, by the writer’s own hours').waitFor();
  await card(bobPage, 'Time to answer').getByText(/^1 of 1 asked answered/).waitFor();
  await looks(bobPage, 'analytics-mine');

  // Someone else's in the address changes nothing: still his own.
  const still = await report(bobPage, () => bobPage.goto(analyticsUrl(`?person=${admin.id}`)));
  assert.equal(still.asked.user_id, undefined);
  assert.equal(still.answer.user_id, bob.id);
  // The API refuses him anyone else's figures.
  const now = Math.floor(Date.now() / 1000);
  const other = { workspace_id: workspaceId, from: now - 7 * 86400, to: now, user_id: admin.id };
  const refused = await weft.api(bob.token, 'analytics/get', other, { expectStatus: 403 });
  assert.match(refused.error_string, /only admins/i);
  await weft.api(bob.token, 'analytics/export', other, { expectStatus: 403 });

  // His export is his own.
  const [download] = await Promise.all([bobPage.waitForEvent('download'), bobPage.getByRole('button', { name: 'Export CSV' }).click()]);
  const text = await readFile(await download.path(), 'utf8');
  assert.equal(text.split(/\r?\n/)[0], 'scope,user_id,date,metric,value');
  assert.match(text, new RegExp(`^person,${bob.id},,posts,1\\r?$`, 'm'));
  assert.doesNotMatch(text, /^workspace,/m);
  assert.doesNotMatch(text, new RegExp(`^person,${admin.id},`, 'm'));
  for (const context of [env.context, bobContext]) {
    assert.deepEqual(context.problems.filter((p) => !/favicon/.test(p)), [], 'no errors in the pages');
  }
});

test('a thread pinned and a comment edited still count as posts', async () => {
  const { weft, admin, workspaceId } = env;
  const before = await report(page, () => page.goto(analyticsUrl('?period=7d')));
  const threads = await weft.api(admin.token, 'threads/get', { channel_id: planning.id }, { method: 'GET' });
  const offsite = threads.find((t) => t.title === 'Offsite');
  await weft.api(admin.token, 'threads/pin', { id: offsite.id });
  const launch = threads.find((t) => t.title === 'Launch order');
  const comments = await weft.api(admin.token, 'comments/get', { thread_id: launch.id }, { method: 'GET' });
  const thanks = comments.find((c) => c.content === 'Thanks, billing it is.');
  await weft.api(admin.token, 'comments/update', { id: thanks.id, content: 'Thanks, billing it is: September.' });
  const after = await report(page, () => page.reload());
  assert.equal(after.answer.threads, before.answer.threads, 'the pinned thread is still a thread started in the period');
  assert.equal(after.answer.posts.total, before.answer.posts.total, 'the pinned thread and the edited comment are still posts');
});
