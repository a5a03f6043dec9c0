// The emergency lane and desktop notifications. In an emergency channel the composer
// explains the lane and sends only once "This is urgent" is ticked; the person reached
// gets a banner at once, with Acknowledge. A push for someone at work, whose Weft tab is
// open but not in front, becomes a desktop notification (permission granted).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, newContext, signInThroughForm } from './lib/weft.mjs';

let env;
let bob;
let bobPage;
let incidents;

/** A time zone where it is about noon now, so "working 08:00–16:00 every day" holds. */
function noonZone() {
  const offset = 12 - new Date().getUTCHours(); // -11 … 12
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`; // the Etc signs are inverted
}
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '16:00' }));

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  const account = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  incidents = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Incidents', public: true, emergency: true, user_ids: [account.id] });
  const context = await newContext(env.browser);
  bobPage = await context.newPage();
  await signInThroughForm(bobPage, weft.url, account, `/a/${workspaceId}/inbox`);
  await bobPage.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  bob = account;
});

after(async () => {
  await env?.cleanup();
});

test('an emergency channel asks for "This is urgent" and reaches Bob with a banner he acknowledges', async () => {
  const ana = env.page;
  // An ordinary channel's composer has no urgent switch.
  await ana.goto(`${env.weft.url}/a/${env.workspaceId}/ch/1`);
  await ana.getByRole('button', { name: 'New thread' }).click();
  await ana.getByLabel('Title').waitFor();
  assert.equal(await ana.getByLabel('This is urgent').count(), 0, 'no urgent switch outside the emergency lane');

  await ana.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${incidents.id}`);
  await ana.getByRole('button', { name: 'New thread' }).click();
  await ana.getByLabel('Title').fill('Payments are failing');
  await ana.getByLabel('What is it about?').fill('Card payments fail since 10:02. Need someone on it now.');
  await ana.getByText(/emergency lane/).first().waitFor(); // the lane is explained
  await ana.getByRole('button', { name: 'Add people to notify' }).click();
  await ana.getByRole('button', { name: /^Bob Tanaka/ }).click();
  await ana.keyboard.press('Escape');
  const send = ana.getByRole('button', { name: 'Send urgently' });
  assert.equal(await send.isDisabled(), true, 'it does not send before "This is urgent" is ticked');
  await ana.getByLabel('This is urgent').check();
  await send.click();
  await ana.locator('#thread-title').filter({ hasText: 'Payments are failing' }).waitFor();

  // Bob, on his inbox, is told at once.
  const banner = bobPage.getByRole('alert').filter({ hasText: 'Payments are failing' });
  await banner.waitFor();
  assert.match(await banner.innerText(), /Ana Lima raised an emergency in #Incidents/);
  await banner.getByRole('button', { name: 'Acknowledge' }).click();
  await banner.waitFor({ state: 'detached' });
  const emergencies = () => env.weft.api(bob.token, 'emergencies/get', { workspace_id: env.workspaceId }, { method: 'GET' });
  const raised = (await emergencies()).find((e) => e.channel_id === incidents.id);
  assert.ok(raised?.reached.includes(bob.id), `the emergency reached Bob: ${JSON.stringify(raised)}`);
  await eventually(async () => (await emergencies()).find((e) => e.id === raised.id).acks.some((a) => a.user_id === bob.id), 'acknowledged by Bob on the server');
});

test('a push for someone at work becomes a desktop notification when the tab is in the background', async () => {
  const { weft, admin, workspaceId } = env;
  await weft.api(admin.token, 'schedules/update', { timezone: noonZone(), working_hours: allWeek, delivery: 'each' });
  const context = await newContext(env.browser);
  await context.grantPermissions(['notifications'], { origin: weft.url });
  await context.addInitScript(() => {
    // Record the notifications the app shows, and play a tab that is open but not in front.
    const Real = window.Notification;
    window.__notifications = [];
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body ?? '' });
      }
    };
    document.hasFocus = () => false;
  });
  const page = await context.newPage();
  await signInThroughForm(page, weft.url, admin, `/a/${workspaceId}/inbox`);
  await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  // The menu says notifications are on (permission was granted).
  await page.getByRole('button', { name: /Your menu/ }).click();
  await page.getByText('Desktop notifications are on').waitFor();
  await page.keyboard.press('Escape');

  await weft.api(bob.token, 'threads/add', { channel_id: 1, title: 'Lunch on Friday?', content: 'The new place on the corner.', recipients: [admin.id] });
  await page.waitForFunction(() => window.__notifications.length > 0, null, { timeout: 10_000 });
  const shown = await page.evaluate(() => window.__notifications);
  assert.ok(shown.some((n) => n.title === '#General' && n.body === 'Lunch on Friday?'), `a notification names the channel and thread: ${JSON.stringify(shown)}`);
  await context.close();
});

test('a channel set to "Nothing" stops notifying Bob, shows as quiet, and is listed in his settings', async () => {
  const { weft, admin, workspaceId } = env;
  const page = bobPage;
  await page.goto(`${weft.url}/a/${workspaceId}/ch/1`);
  await page.getByRole('button', { name: 'Notifications: All notifications' }).click();
  await page.getByRole('button', { name: /^Nothing/ }).click();
  await page.getByRole('button', { name: 'Notifications: Nothing' }).waitFor();
  // The sidebar marks the channel as quiet.
  await page.getByRole('link', { name: /General.*notifications off/ }).waitFor();
  const level = async () => (await weft.api(bob.token, 'channels/getone', { id: 1 }, { method: 'GET' })).notifications;
  // The menu changes at once (optimistic); the server's answer follows.
  await eventually(async () => (await level()) === 'none', 'the server has his choice');
  // A post that names him no longer notifies him.
  const before = (await weft.api(bob.token, 'notifications/get', {}, { method: 'GET' })).notifications.length;
  await weft.api(admin.token, 'threads/add', { channel_id: 1, title: 'Quiet please', content: 'x', recipients: [bob.id] });
  const after = (await weft.api(bob.token, 'notifications/get', {}, { method: 'GET' })).notifications.length;
  assert.equal(after, before, 'no notification from a channel set to Nothing');

  // His settings list the channel with its level; he sets it back to "Only when named".
  await page.goto(`${weft.url}/a/${workspaceId}/settings/notifications`);
  const select = page.getByLabel('General', { exact: false }).and(page.locator('select'));
  assert.equal(await select.inputValue(), 'none');
  await select.selectOption('direct');
  await page.getByText('Posts that @mention you or pick you').first().waitFor();
  await eventually(async () => (await level()) === 'direct', 'the new level is saved');
});
