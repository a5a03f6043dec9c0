// An account's end and a member's pause, through the screens: an admin deactivates a
// member from the Members page (their open app loses the workspace at once) and
// reactivates them; a person deletes their account from their settings, lands on the
// sign-in page, can no longer sign in, and their post shows as by "Deleted user".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, LOOKS, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let bob;
let cara;
let general;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  cara = await weft.addPerson({ name: 'Cara Lind', email: 'cara@acme.test', workspaceId, adminToken: admin.token });
  const ws = await weft.api(admin.token, 'workspaces/getone', { id: workspaceId }, { method: 'GET' });
  general = ws.default_channel;
});

after(async () => {
  await env?.cleanup();
});

test('an admin deactivates a member, whose open app loses the workspace, then reactivates them', async () => {
  const { weft, admin, workspaceId, page } = env;
  // Bob has the workspace open.
  const bobs = await newContext(env.browser);
  const bobPage = await bobs.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/inbox`);
  await bobPage.getByRole('link', { name: /General/ }).first().waitFor();

  await page.goto(`${weft.url}/a/${workspaceId}/admin/members`);
  const members = page.getByRole('list', { name: 'Members' });
  const bobRow = members.getByRole('listitem').filter({ hasText: 'Bob Tanaka' });
  await bobRow.getByText('Active', { exact: true }).waitFor();
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Deactivate Bob Tanaka' }).click();
  await page.getByText('Bob Tanaka was deactivated').first().waitFor();
  await bobRow.getByText('Deactivated', { exact: true }).waitFor();
  const member = async () => weft.api(admin.token, 'workspace_users/getone', { id: workspaceId, user_id: bob.id }, { method: 'GET' });
  assert.equal((await member()).deactivated, true);

  // Bob's open app lets go of the workspace at once.
  await bobPage.getByText('You are not in any workspace yet').waitFor();
  await weft.api(bob.token, 'channels/get', { workspace_id: workspaceId }, { method: 'GET', expectStatus: 404 });

  for (const look of LOOKS) {
    const context = await newContext(env.browser, { ...look, viewport: look.viewport });
    const p = await context.newPage();
    await signInThroughForm(p, weft.url, admin, `/a/${workspaceId}/admin/members`);
    const list = p.getByRole('list', { name: 'Members' });
    await list.getByText('Deactivated', { exact: true }).waitFor();
    await list.scrollIntoViewIfNeeded();
    await screenshot(p, `admin-members-states-${look.name}`);
    assert.deepEqual(context.problems, []);
    await context.close();
  }

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Reactivate Bob Tanaka' }).click();
  await page.getByText('Bob Tanaka is active again').first().waitFor();
  await eventually(async () => (await member()).deactivated === false, 'Bob is active on the server');
  await bobPage.goto(`${weft.url}/a/${workspaceId}/inbox`);
  await bobPage.getByRole('link', { name: /General/ }).first().waitFor();
  await bobs.close();
});

test('a person deletes their account from settings; their post stays as by “Deleted user”', async () => {
  const { weft, admin, workspaceId, page } = env;
  const thread = await weft.api(cara.token, 'threads/add', { channel_id: general, title: 'Cara’s last word', content: 'Thanks, all' });
  const context = await newContext(env.browser);
  const caras = await context.newPage();
  await signInThroughForm(caras, weft.url, cara, `/a/${workspaceId}/settings/profile`);
  await caras.getByRole('heading', { name: 'Delete your account' }).waitFor();
  await caras.getByRole('button', { name: 'Delete my account…' }).click();
  await screenshot(caras, 'settings-delete-account-wide-light');

  // A wrong password is refused, and nothing happens.
  await caras.getByLabel('Your password').fill('not my password');
  caras.once('dialog', (d) => void d.accept());
  await caras.getByRole('button', { name: 'Delete my account', exact: true }).click();
  await caras.getByText('Wrong email or password', { exact: true }).waitFor();
  await weft.api(cara.token, 'users/get_session_user', null, { method: 'GET' });

  await caras.getByLabel('Your password').fill(cara.password);
  caras.once('dialog', (d) => void d.accept());
  await caras.getByRole('button', { name: 'Delete my account', exact: true }).click();
  await caras.waitForURL((u) => u.pathname === '/login');
  await weft.api(cara.token, 'users/get_session_user', null, { method: 'GET', expectStatus: 403 });
  await signInThroughForm(caras, weft.url, cara);
  await caras.getByText(/wrong email or password/i).waitFor();
  await context.close();

  // Her post is still there, by "Deleted user".
  await page.goto(`${weft.url}/a/${workspaceId}/ch/${general}/t/${thread.id}`);
  await page.getByText('Thanks, all').waitFor();
  await page.locator('.post-author', { hasText: 'Deleted user' }).first().waitFor();
  const members = await weft.api(admin.token, 'workspace_users/get', { id: workspaceId }, { method: 'GET' });
  const gone = members.find((m) => m.id === cara.id);
  assert.equal(gone.name, 'Deleted user');
  assert.equal(gone.deleted, true);
  assert.notEqual(gone.email, cara.email);
});

test('the delete-account section in light and dark, wide and phone', async () => {
  const { weft, workspaceId } = env;
  for (const look of LOOKS) {
    const context = await newContext(env.browser, { ...look, viewport: look.viewport });
    const p = await context.newPage();
    await signInThroughForm(p, weft.url, bob, `/a/${workspaceId}/settings/profile`);
    const section = p.getByRole('heading', { name: 'Delete your account' });
    await section.waitFor();
    await p.getByRole('button', { name: 'Delete my account…' }).click();
    await p.getByLabel('Your password').scrollIntoViewIfNeeded();
    await screenshot(p, `settings-delete-account-${look.name}`);
    assert.deepEqual(context.problems, []);
    await context.close();
  }
});
