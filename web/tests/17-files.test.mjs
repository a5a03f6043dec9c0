// Files: an image and a text file attached in the composer (the system's file picker),
// the image shown as a preview in the thread, the file downloaded by another member, and
// refused (as if it did not exist) to someone outside the workspace; an HTML file is only
// ever a download, never a page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance, newContext, signInThroughForm } from './lib/weft.mjs';

// A 2×2 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGP8z8DwnwEIGBn+MzAwAAAp8gT8v4+VZQAAAABJRU5ErkJggg==', 'base64');

let env;
let bob;
let outsider;

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  const other = await weft.api(admin.token, 'workspaces/add', { name: 'Elsewhere' });
  outsider = await weft.addPerson({ name: 'Olga Out', email: 'olga@else.test', workspaceId: other.id, adminToken: admin.token });
});

after(async () => {
  await env?.cleanup();
});

test('files attached in the composer are shown, downloaded by members and hidden from others', async () => {
  const { weft, workspaceId, page } = env;
  await page.goto(`${weft.url}/a/${workspaceId}/ch/1`);
  await page.getByRole('button', { name: 'New thread' }).click();
  await page.getByLabel('Title').fill('The new logo');
  await page.getByLabel('What is it about?').fill('Here it is, with the notes.');
  await page.locator('form.composer input[type=file]').setInputFiles([
    { name: 'logo.png', mimeType: 'image/png', buffer: PNG },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Make it bigger.\n') },
  ]);
  const attached = page.getByRole('list', { name: 'Attached files' });
  await attached.getByText('logo.png').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.upload.is-done').length === 2);
  await page.getByRole('button', { name: 'Start thread' }).click();
  await page.locator('#thread-title').filter({ hasText: 'The new logo' }).waitFor();

  const image = page.locator('.attachment-images img').first();
  await image.waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.attachment-images img')].every((i) => i.complete && i.naturalWidth > 0));
  const fileLink = page.getByRole('link', { name: /notes\.txt/ });
  const url = new URL(await fileLink.getAttribute('href'), weft.url).href;

  // Bob, a member, downloads it; it is a download, not a page.
  const bobContext = await newContext(env.browser);
  const bobPage = await bobContext.newPage();
  await signInThroughForm(bobPage, weft.url, bob, `/a/${workspaceId}/inbox`);
  await bobPage.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  const got = await bobPage.request.get(url);
  assert.equal(got.status(), 200);
  assert.equal(await got.text(), 'Make it bigger.\n');
  assert.match(got.headers()['content-disposition'], /^attachment/);
  await bobContext.close();

  // Someone outside the workspace, with the direct URL: nothing there.
  const outContext = await newContext(env.browser);
  const outPage = await outContext.newPage();
  await signInThroughForm(outPage, weft.url, outsider);
  await outPage.waitForURL((u) => u.pathname.startsWith('/a/'));
  assert.equal((await outPage.request.get(url)).status(), 404);
  await outContext.close();
});

test('an HTML file is served as a download in a sandbox, never as a page', async () => {
  const { weft, admin } = env;
  const form = new FormData();
  form.append('attachment_id', 'html-probe');
  form.append('file_name', 'page.html');
  form.append('file', new Blob(['<script>window.pwned = 1</script><h1>hi</h1>'], { type: 'text/html' }), 'page.html');
  const upload = await fetch(`${weft.url}/api/v3/attachments/upload`, { method: 'POST', headers: { Authorization: `Bearer ${admin.token}` }, body: form });
  assert.equal(upload.status, 200, await upload.clone().text());
  const attachment = await upload.json();
  const got = await fetch(new URL(attachment.url, weft.url), { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(got.status, 200);
  assert.match(got.headers.get('content-disposition'), /^attachment/);
  assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
  assert.match(got.headers.get('content-security-policy'), /sandbox/);
});

test('a file dropped into a conversation goes with the message and reaches the other person', async () => {
  const { weft, admin, workspaceId, page } = env;
  const conversation = await weft.api(admin.token, 'conversations/get_or_create', { workspace_id: workspaceId, user_ids: [bob.id] });
  await page.goto(`${weft.url}/a/${workspaceId}/msg/${conversation.id}`);
  const box = page.getByLabel('Message', { exact: true });
  await box.waitFor();
  // Dropped on the composer, as from the desktop.
  const drop = await page.evaluateHandle((bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'plan.txt', { type: 'text/plain' }));
    return data;
  }, [...Buffer.from('Step one.\n')]);
  await page.locator('form.chat-composer').dispatchEvent('drop', { dataTransfer: drop });
  await page.getByRole('list', { name: 'Attached files' }).getByText('plan.txt').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.chat-composer .upload.is-done').length === 1);
  // A file alone is a message: Enter sends it.
  await box.press('Enter');
  await page.locator('.msg-body .attachment-file', { hasText: 'plan.txt' }).waitFor();
  assert.equal(await page.getByRole('list', { name: 'Attached files' }).count(), 0, 'the composer is empty again');

  const messages = await weft.api(bob.token, 'conversation_messages/get', { conversation_id: conversation.id }, { method: 'GET' });
  const sent = messages.find((m) => m.attachments?.some((a) => a.file_name === 'plan.txt'));
  assert.ok(sent, `Bob has the message with its file: ${JSON.stringify(messages)}`);
  const got = await fetch(new URL(sent.attachments[0].url, weft.url), { headers: { Authorization: `Bearer ${bob.token}` } });
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'Step one.\n');
  assert.equal((await fetch(new URL(sent.attachments[0].url, weft.url), { headers: { Authorization: `Bearer ${outsider.token}` } })).status, 404);
});
