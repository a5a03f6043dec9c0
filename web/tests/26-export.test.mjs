// Your data: Ana opens Settings → Your data and downloads her own data (users/export) as a
// JSON file — the format and version, her thread in a public channel, the conversation
// she is in with Bob's reply, her working hours — and nothing of what she cannot read:
// Bob's private channel, a conversation between Bob and Carol.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { freshInstance, looks } from './lib/weft.mjs';

let env;
let page;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  const api = (who, endpoint, body) => weft.api(who.token, endpoint, body);
  const bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  const carol = await weft.addPerson({ name: 'Carol Okafor', email: 'carol@acme.test', workspaceId, adminToken: admin.token });
  const ws = await weft.api(admin.token, 'workspaces/getone', { id: workspaceId }, { method: 'GET' });
  await api(admin, 'threads/add', { channel_id: ws.default_channel, title: 'Launch plan', content: 'ana-launch-body' });
  await api(admin, 'schedules/update', { working_hours: [{ weekday: 1, start: '08:00', end: '12:00' }] });
  const withBob = await api(admin, 'conversations/get_or_create', { workspace_id: workspaceId, user_ids: [bob.id] });
  await api(admin, 'conversation_messages/add', { conversation_id: withBob.id, content: 'ana-to-bob' });
  await api(bob, 'conversation_messages/add', { conversation_id: withBob.id, content: 'bob-to-ana' });
  // What Ana (an admin) cannot read: Bob's private channel, Bob and Carol's conversation.
  const hidden = await api(bob, 'channels/add', { workspace_id: workspaceId, name: 'Bob only', public: false });
  await api(bob, 'threads/add', { channel_id: hidden.id, title: 'Private notes', content: 'bob-private-body' });
  const bobCarol = await api(bob, 'conversations/get_or_create', { workspace_id: workspaceId, user_ids: [carol.id] });
  await api(carol, 'conversation_messages/add', { conversation_id: bobCarol.id, content: 'carol-to-bob' });
  page = env.page;
});

after(async () => {
  await env?.cleanup();
});

test('Settings → Your data downloads my own data, and nothing I cannot read', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/settings/profile`);
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Your data' }).click();
  await page.getByRole('heading', { name: 'Download your data' }).waitFor();
  assert.match(page.url(), /\/settings\/data$/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
  assert.match(download.suggestedFilename(), /^weft-export-\d+-\d{4}-\d{2}-\d{2}\.json$/);
  const text = await readFile(await download.path(), 'utf8');
  const doc = JSON.parse(text);
  assert.equal(doc.format, 'weft-personal-export');
  assert.equal(doc.version, 1);
  assert.equal(doc.complete, true);
  assert.equal(doc.account.id, env.admin.id);
  assert.deepEqual(doc.threads.map((t) => t.content), ['ana-launch-body']);
  assert.match(doc.threads[0].posted_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.deepEqual(doc.settings.schedule.working_hours, [{ weekday: 1, start: '08:00', end: '12:00' }]);
  assert.equal(doc.conversations.length, 1);
  assert.deepEqual(doc.conversations[0].messages.map((m) => m.content), ['ana-to-bob', 'bob-to-ana']);
  for (const never of ['bob-private-body', 'Private notes', 'carol-to-bob', 'password', 'token']) {
    assert.ok(!text.includes(never), `the export holds ${never}`);
  }
  await page.locator('#export-status').getByText(`Downloaded ${download.suggestedFilename()}`).waitFor();
  await looks(page, 'settings-your-data');
});
