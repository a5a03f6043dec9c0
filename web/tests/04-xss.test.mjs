// XSS probe: hostile text in every place a person can type something others see — a thread
// title, a comment, a display name, a channel name, a search query — made through the API,
// then shown by the app. Nothing may run (no `window.__xss`, no dialog), the Content
// Security Policy must not have had to block anything (a block means injected markup got
// into the page), and plain-text places show the text literally.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance, newContext, signInThroughForm, WAIT } from './lib/weft.mjs';

const IMG = '<img src=x onerror="window.__xss=1;alert(1)">';
const SCRIPT = '<script>window.__xss=1;alert(1)</script>';
const SVG = '<svg onload="window.__xss=1"></svg>';

const HOSTILE = {
  name: `Bob ${IMG}`,
  channel: `ops ${SVG}`,
  title: `Plan ${SCRIPT}${IMG}`,
  content: [
    `Opening post ${IMG}`,
    '',
    '[a javascript link](javascript:window.__xss=1)',
    '',
    `<a href="javascript:window.__xss=1">raw link</a> <iframe src="javascript:window.__xss=1"></iframe>`,
    '',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
  ].join('\n'),
  comment: `A reply ${SCRIPT} with ${IMG} and [another](javascript:window.__xss=1) and <b onclick="window.__xss=1">bold</b>`,
  query: `"><img src=x onerror="window.__xss=1">`,
};

let env;
let bob;
let channelId;
let threadId;
let page;
let dialogs = [];

before(async () => {
  env = await freshInstance();
  const { weft, admin, workspaceId } = env;
  bob = await weft.addPerson({ name: HOSTILE.name, email: 'bob@acme.test', workspaceId, adminToken: admin.token });
  const channel = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: HOSTILE.channel, public: true, user_ids: [bob.id] });
  channelId = channel.id;
  // Bob starts the thread and comments, notifying Ana: it is in her inbox, with his name.
  const thread = await weft.api(bob.token, 'threads/add', { channel_id: channelId, title: HOSTILE.title, content: HOSTILE.content, recipients: [admin.id] });
  threadId = thread.id;
  await weft.api(bob.token, 'comments/add', { thread_id: threadId, content: HOSTILE.comment, recipients: [admin.id] });

  // Ana's browser records what a successful injection would do.
  const context = await newContext(env.browser);
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signInThroughForm(page, weft.url, admin, `/a/${workspaceId}/inbox`);
  await page.waitForURL((u) => u.pathname.startsWith('/a/'));
});

after(async () => {
  await env?.cleanup();
});

/** Nothing ran and the CSP blocked nothing (markup injected by data would show up there). */
async function assertNothingRan(where) {
  const state = await page.evaluate(() => ({ xss: window.__xss, csp: window.__csp, jsLinks: document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i], form[action^="javascript:" i]').length }));
  assert.equal(state.xss, undefined, `${where}: injected script ran`);
  assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(state.csp, [], `${where}: the CSP had to block something`);
  assert.equal(state.jsLinks, 0, `${where}: a javascript: URL reached the page`);
  assert.equal(await page.locator('script:not([src]), iframe, svg[onload], [onerror], [onclick]').count(), 0, `${where}: hostile elements in the DOM`);
}

test('the inbox shows a hostile title, name and comment as text', async () => {
  const row = page.getByRole('list', { name: 'Inbox' }).getByRole('listitem').filter({ hasText: 'Plan' });
  await row.waitFor();
  const text = await row.innerText();
  assert.ok(text.includes(HOSTILE.title), `the title is shown literally: ${text}`);
  assert.ok(text.includes(HOSTILE.name), `the author's name is shown literally: ${text}`);
  await assertNothingRan('inbox');
});

test('the sidebar and the channel show a hostile channel name as text', async () => {
  const link = page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /^ops/ });
  await link.waitFor();
  assert.ok((await link.innerText()).includes(HOSTILE.channel), await link.innerText());
  await link.click();
  await page.locator('#view-title').filter({ hasText: 'ops' }).waitFor();
  assert.ok((await page.locator('#view-title').innerText()).includes(HOSTILE.channel));
  await page.getByRole('link', { name: /Plan/ }).waitFor();
  await assertNothingRan('channel');
});

test('the thread shows a hostile title literally and renders hostile Markdown inert', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/ch/${channelId}/t/${threadId}`);
  await page.locator('#thread-title').waitFor();
  assert.equal(await page.locator('#thread-title').innerText(), HOSTILE.title);
  // The opening post and the comment are rendered (bold stays bold) without their handlers.
  const comment = page.locator('article.post-comment').filter({ hasText: 'A reply' });
  await comment.waitFor();
  await comment.locator('b, strong').filter({ hasText: 'bold' }).waitFor();
  assert.ok((await comment.innerText()).includes(bob.name) || (await page.locator('article.post-thread').innerText()).includes(bob.name), "Bob's name shows literally");
  // Clicking what were javascript: links runs nothing either.
  for (const name of ['a javascript link', 'another', 'raw link']) {
    const link = page.getByText(name, { exact: true });
    if ((await link.count()) > 0) await link.first().click();
  }
  await page.locator('b, strong').filter({ hasText: 'bold' }).first().click();
  await assertNothingRan('thread');
  assert.equal(page.url().startsWith(env.weft.url), true, 'still in Weft');
});

test('a hostile search query is shown as text', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/search?q=${encodeURIComponent(HOSTILE.query)}`);
  await page.getByRole('heading', { name: 'Search', exact: true }).waitFor();
  await page.getByText(HOSTILE.query, { exact: false }).first().waitFor({ timeout: WAIT });
  // Typed into the search box as a person would, too.
  const box = page.getByRole('navigation', { name: 'Workspace' }).getByRole('searchbox');
  await box.fill(HOSTILE.query);
  await box.press('Enter');
  await page.waitForURL((u) => u.searchParams.get('q') === HOSTILE.query.trim());
  await assertNothingRan('search');
});

test('nothing ran anywhere, and the hostile data is stored unchanged', async () => {
  await assertNothingRan('end');
  const thread = await env.weft.api(env.admin.token, 'threads/getone', { id: threadId }, { method: 'GET' });
  assert.equal(thread.title, HOSTILE.title, 'Weft stores what people typed; it is made safe when shown');
});
