// A thread's own actions from its header, done by Ana, with Bob watching the same thread:
// save (star) and find it in Saved; pin (first in its channel); close and reopen (Bob sees
// the state and the line saying who did it); move to another channel (Bob's open thread
// follows it); mark unread (back in the inbox, unread).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freshInstance, newContext, signInThroughForm } from './lib/weft.mjs';

let env;
let ana;
let bob;
let planning;
let design;
let thread;
let older;

const threadPath = (channelId) => `/a/${env.workspaceId}/ch/${channelId}/t/${thread.id}`;
const getThread = () => env.weft.api(env.admin.token, 'threads/getone', { id: thread.id }, { method: 'GET' });

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  const account = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  planning = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Planning', public: true, user_ids: [account.id] });
  design = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Design', public: true, user_ids: [account.id] });
  older = await weft.api(admin.token, 'threads/add', { channel_id: planning.id, title: 'Older thread', content: 'Started first.' });
  thread = await weft.api(account.token, 'threads/add', { channel_id: planning.id, title: 'Launch checklist', content: 'What is left before the launch?', recipients: [admin.id] });
  // The newest activity goes to the older thread, so that only pinning puts ours first.
  await weft.api(admin.token, 'comments/add', { thread_id: older.id, content: 'Still going.' });

  ana = env.page;
  await ana.goto(weft.url + threadPath(planning.id));
  await ana.locator('#thread-title').filter({ hasText: 'Launch checklist' }).waitFor();
  const context = await newContext(env.browser);
  bob = await context.newPage();
  await signInThroughForm(bob, weft.url, account, threadPath(planning.id));
  await bob.locator('#thread-title').filter({ hasText: 'Launch checklist' }).waitFor();
});

after(async () => {
  await env?.cleanup();
});

async function threadAction(name) {
  await ana.getByRole('button', { name: 'Thread actions' }).click();
  await ana.getByRole('button', { name }).click();
}

test('Save puts the thread in Saved', async () => {
  const star = ana.getByRole('button', { name: 'Save thread' });
  assert.equal(await star.getAttribute('aria-pressed'), 'false');
  await star.click();
  await ana.waitForFunction(() => document.querySelector('button[aria-label="Save thread"]')?.getAttribute('aria-pressed') === 'true');
  await eventually(async () => (await getThread()).starred === true, 'starred on the server');
  await ana.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /Saved/ }).click();
  await ana.getByRole('list', { name: 'Saved threads' }).getByRole('link', { name: /Launch checklist/ }).click();
  await ana.locator('#thread-title').filter({ hasText: 'Launch checklist' }).waitFor();
});

test('Pin puts the thread first in its channel', async () => {
  await threadAction(/Pin to the channel/);
  await ana.locator('.thread-subtitle').getByText('Pinned', { exact: true }).waitFor();
  await eventually(async () => (await getThread()).pinned === true, 'pinned on the server');
  await ana.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${planning.id}`);
  const rows = ana.getByRole('list', { name: 'Threads in Planning' }).getByRole('listitem');
  await rows.first().waitFor();
  assert.match(await rows.first().innerText(), /Launch checklist/, 'the pinned thread comes first, though another has newer activity');
  await ana.goto(env.weft.url + threadPath(planning.id));
  await ana.locator('#thread-title').waitFor();
});

test('Close and Reopen: Bob sees the state and who changed it', async () => {
  await threadAction(/Close thread/);
  await ana.locator('.thread-subtitle').getByText('Closed', { exact: true }).waitFor();
  await bob.locator('.thread-subtitle').getByText('Closed', { exact: true }).waitFor();
  await bob.getByText('Ana Lima closed the thread').waitFor();
  await eventually(async () => (await getThread()).closed === true, 'closed on the server');
  await threadAction(/Reopen thread/);
  await bob.getByText('Ana Lima reopened the thread').waitFor();
  await bob.locator('.thread-subtitle').getByText('Closed', { exact: true }).waitFor({ state: 'detached' });
});

test('Move: the thread goes to another channel, and Bob, reading it, follows', async () => {
  await threadAction(/Move to another channel/);
  const dialog = ana.getByRole('dialog', { name: 'Move thread' });
  await dialog.getByRole('combobox').selectOption({ label: '#Design' });
  await dialog.getByRole('button', { name: 'Move' }).click();
  await eventually(async () => (await getThread()).channel_id === design.id, 'moved on the server');
  await ana.waitForURL((u) => u.pathname === threadPath(design.id));
  await bob.waitForURL((u) => u.pathname === threadPath(design.id));
  await bob.locator('#thread-title').filter({ hasText: 'Launch checklist' }).waitFor();
});

// Known bug (reported): after a move, the open thread view (the mover's and a reader's)
// keeps the old channel in its header and back button, though its address is the new one.
test('after a move, the open thread names its new channel', async () => {
  for (const [who, page] of [['Bob', bob], ['Ana', ana]]) {
    const label = page.locator('.thread-subtitle').getByRole('link').first();
    let shown = '';
    await eventually(async () => /Design/.test((shown = await label.innerText())), `${who}'s thread header names #Design`, 3_000).catch((e) => {
      throw new Error(`${e.message}: it shows "${shown}"`);
    });
  }
});

test('Mark unread sends it back to the inbox, unread', async () => {
  await threadAction(/Mark unread/);
  await ana.waitForURL(/\/inbox$/);
  const row = ana.getByRole('list', { name: 'Inbox' }).getByRole('listitem').filter({ hasText: 'Launch checklist' });
  await row.waitFor();
  await row.getByText('(unread)').waitFor({ state: 'attached' });
});
