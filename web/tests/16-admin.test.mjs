// Workspace settings for admins: roles, channels and the emergency escalation, changed
// through the screens and confirmed by the API; a member who is not an admin is told the
// pages are an admin's, and their menu does not offer them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, looks, newContext, signInThroughForm } from './lib/weft.mjs';

let env;
let bob;
let team;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  team = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Team', public: true, user_ids: [bob.id] });
});

after(async () => {
  await env?.cleanup();
});

test('an admin changes a role, a channel and the escalation time from the workspace settings', async () => {
  const { weft, admin, workspaceId, page } = env;
  await page.goto(`${weft.url}/a/${workspaceId}/inbox`);
  await page.getByRole('button', { name: 'Your menu' }).click();
  await page.getByRole('link', { name: 'Workspace settings' }).click();
  await page.getByLabel('Minutes before the admins are called').fill('30');
  await page.getByRole('button', { name: 'Save' }).nth(1).click();
  await page.getByText('Emergencies escalate after 30 minutes').first().waitFor();
  const workspace = await weft.api(admin.token, 'workspaces/getone', { id: workspaceId }, { method: 'GET' });
  assert.equal(workspace.escalation_minutes, 30);

  await page.getByRole('link', { name: 'Members' }).click();
  await page.getByLabel('Role of Bob Tanaka').selectOption('GUEST');
  await page.getByText('Bob Tanaka is now guest').first().waitFor();
  const member = async () => weft.api(admin.token, 'workspace_users/getone', { id: workspaceId, user_id: bob.id }, { method: 'GET' });
  await eventually(async () => (await member()).user_type === 'GUEST', 'Bob is a guest on the server');

  await page.getByRole('link', { name: 'Channels', exact: true }).first().click();
  const publicTeam = page.getByRole('switch', { name: 'Public #Team' });
  await page.locator('label.toggle', { has: publicTeam }).click(); // the switch's visible track
  assert.equal(await publicTeam.isChecked(), false);
  await page.getByText('#Team is now private').first().waitFor();
  const channel = await weft.api(admin.token, 'channels/getone', { id: team.id }, { method: 'GET' });
  assert.equal(channel.public, false);
});

test('a member who is not an admin is told the workspace settings are an admin’s', async () => {
  const { weft, workspaceId } = env;
  const context = await newContext(env.browser);
  const page = await context.newPage();
  await signInThroughForm(page, weft.url, bob, `/a/${workspaceId}/admin/members`);
  await page.getByText('Only admins change the workspace').waitFor();
  assert.equal(await page.getByRole('list', { name: 'Members' }).count(), 0);
  await page.getByRole('button', { name: 'Your menu' }).click();
  await page.getByRole('link', { name: 'Profile and time zone' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Workspace settings' }).count(), 0);
  assert.deepEqual(context.problems, []);
  await context.close();
});

test('an admin starts a rotation in a channel that had none, with no error on the way', async () => {
  const { weft, admin, workspaceId, page } = env;
  const errors = [];
  const onConsole = (m) => m.type() === 'error' && errors.push(m.text());
  page.on('console', onConsole);
  await page.goto(`${weft.url}/a/${workspaceId}/admin/rotations`);
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'Team' });
  await page.getByRole('button', { name: 'Start rotation' }).waitFor();
  await page.getByRole('button', { name: '+ Ana Lima' }).click();
  await page.getByRole('button', { name: 'Start rotation' }).click();
  // On duty now, or (before the handoff time of the day it starts) from the first shift.
  await page.getByText(/Ana Lima (is on duty until|takes the first shift on)/).waitFor();
  page.off('console', onConsole);
  assert.deepEqual(errors, [], 'a channel without a rotation is not an error');
  const rotation = await weft.api(admin.token, 'rotations/get', { channel_id: team.id }, { method: 'GET' });
  assert.deepEqual(rotation.user_ids, [admin.id]);

  // Moved to start in two days: nobody is on duty until then, and the day reads as a day.
  const later = new Date(Date.now() + 2 * 86400 * 1000).toISOString().slice(0, 10);
  await weft.api(admin.token, 'rotations/update', { ...rotation, channel_id: team.id, starts_on: later, timezone: 'UTC' });
  await page.reload();
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'Team' });
  const day = new Date(`${later}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  await page.getByText(`Ana Lima takes the first shift on ${day} at`).waitFor();
  await looks(page, 'admin-rotation-before-first-shift');
});
