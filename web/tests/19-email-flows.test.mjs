// Through real email: Weft sends through a small SMTP server started here (lib/smtp.mjs),
// and the person follows the link in what arrived. An admin invites someone new from the
// Members page; they open the emailed link in their own browser, choose a name and a
// password, land in the workspace in the channels chosen, and post a thread the admin sees.
// Someone who forgot their password asks from the sign-in page, follows the emailed link,
// sets a new one and is signed in; the old password stops working, and so does the link.
// The accept and reset pages are screenshot in every look. Email is waited for by polling
// the sink, never for a fixed time.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LOOKS, freshInstance, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';
import { mailArgs, startSmtpSink } from './lib/smtp.mjs';

let sink;
let env;

before(async () => {
  sink = await startSmtpSink();
  env = await freshInstance({ extraArgs: mailArgs(sink) });
});

after(async () => {
  await env?.cleanup();
  await sink?.close();
});

const sidebar = (page) => page.getByRole('navigation', { name: 'Workspace' });

/** Whether the page is wider than its window. */
const spills = (page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** Screenshots a plain page at `url` in every look, as `<name>-<look>.png`. */
async function everyLook(url, name, ready) {
  for (const { name: look, ...options } of LOOKS) {
    const context = await newContext(env.browser, options);
    const page = await context.newPage();
    await page.goto(url);
    await ready(page).waitFor();
    await screenshot(page, `${name}-${look}`);
    assert.equal(await spills(page), false, `${name} spills sideways (${look})`);
    assert.deepEqual(context.problems, [], `${name} (${look})`);
    await context.close();
  }
}

test('an invitation from the Members page, emailed, accepted in a new browser, and a first post the admin sees', async () => {
  const { weft, admin, workspaceId, page } = env;
  const design = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Design', public: true });
  const ops = await weft.api(admin.token, 'channels/add', { workspace_id: workspaceId, name: 'Ops', public: true });

  await page.goto(`${weft.url}/a/${workspaceId}/admin/members`);
  await page.getByLabel('Email').fill('cleo@acme.test');
  await page.getByRole('checkbox', { name: '#Design' }).check();
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByText('Invitation sent to cleo@acme.test').first().waitFor();
  await page.getByRole('list', { name: 'Members' }).getByText('cleo@acme.test').waitFor();

  const mail = await sink.waitFor((m) => m.to.includes('cleo@acme.test'), 'the invitation to cleo@acme.test');
  assert.match(mail.subject, /Acme/);
  assert.match(mail.text, /Ana Lima/, 'the email says who invited');
  const link = mail.links().find((l) => l.includes('/invite/'));
  assert.ok(link?.startsWith(`${weft.url}/invite/`), `a link to this Weft in the email:\n${mail.text}`);
  assert.ok(mail.html.includes(link), 'the HTML part carries the same link');

  await everyLook(link, 'invite', (p) => p.getByRole('button', { name: 'Join Acme' }));

  // Cleo, in a browser of her own.
  const context = await newContext(env.browser);
  const cleo = await context.newPage();
  await cleo.goto(link);
  await cleo.getByRole('heading', { name: 'Join Acme' }).waitFor();
  await cleo.getByText('Ana Lima invited you').waitFor();
  assert.equal(await cleo.getByLabel('Email').inputValue(), 'cleo@acme.test', 'the page says which address signs in');
  await cleo.getByLabel('Your name').fill('Cleo Park');
  await cleo.getByLabel('Password').fill('cleo’s good password');
  await cleo.getByLabel('Time zone').fill('Europe/Berlin');
  await cleo.getByRole('button', { name: 'Join Acme' }).click();
  await cleo.waitForURL((u) => u.pathname.startsWith(`/a/${workspaceId}`));
  await sidebar(cleo).getByRole('link', { name: /Design/ }).waitFor();
  await sidebar(cleo).getByRole('link', { name: /General/ }).waitFor();
  assert.equal(await sidebar(cleo).getByRole('link', { name: /Ops/ }).count(), 0, 'only the channels chosen (and the default one)');
  const cleoToken = await weft.token('cleo@acme.test', 'cleo’s good password');
  const me = await weft.api(cleoToken, 'users/get_session_user', null, { method: 'GET' });
  assert.equal(me.name, 'Cleo Park');
  assert.equal(me.timezone, 'Europe/Berlin');
  const inDesign = await weft.api(admin.token, 'channels/getone', { id: design.id }, { method: 'GET' });
  const inOps = await weft.api(admin.token, 'channels/getone', { id: ops.id }, { method: 'GET' });
  assert.ok(inDesign.user_ids.includes(me.id) && !inOps.user_ids.includes(me.id), 'in #Design, not in #Ops');

  // The admin watches #Design while Cleo posts there.
  await sidebar(page).getByRole('link', { name: /Design/ }).click();
  await page.getByText('#Design has no threads yet').waitFor();
  await sidebar(cleo).getByRole('link', { name: /Design/ }).click();
  await cleo.getByRole('button', { name: 'New thread' }).click();
  await cleo.getByLabel('Title').fill('Hello from Cleo');
  await cleo.getByLabel('What is it about?').fill('Glad to be here. Where do the mockups live?');
  await cleo.getByRole('button', { name: 'Start thread' }).click();
  await cleo.locator('#thread-title').filter({ hasText: 'Hello from Cleo' }).waitFor();
  await page.getByRole('list', { name: 'Threads in Design' }).getByRole('link', { name: /Hello from Cleo/ }).waitFor();
  const member = await weft.api(admin.token, 'workspace_users/getone', { id: workspaceId, user_id: me.id }, { method: 'GET' });
  assert.equal(member.invite_pending ?? false, false, 'no longer pending');

  assert.deepEqual(context.problems, []);
  assert.deepEqual(env.context.problems, []);

  // The link worked once.
  const answer = await cleo.goto(link);
  assert.equal(answer.status(), 404);
  await cleo.getByRole('heading', { name: 'This invitation link does not work' }).waitFor();
  await context.close();
});

test('a forgotten password, reset through the emailed link from the sign-in page', async () => {
  const { weft, workspaceId, admin } = env;
  const dan = await weft.addPerson({ name: 'Dan Ortiz', email: 'dan@acme.test', password: 'dan’s old password', workspaceId, adminToken: admin.token });
  const context = await newContext(env.browser);
  const page = await context.newPage();
  await page.goto(`${weft.url}/login`);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(`${weft.url}/reset-password`);
  await page.getByLabel('Email').fill(dan.email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();

  const mail = await sink.waitFor((m) => m.to.includes(dan.email) && m.text.includes('/reset-password/'), 'the reset email to Dan');
  const link = mail.links().find((l) => l.includes('/reset-password/'));
  assert.ok(link?.startsWith(`${weft.url}/reset-password/`), `a link to this Weft in the email:\n${mail.text}`);
  assert.equal(mail.header('List-Unsubscribe'), '', 'an account email has nothing to unsubscribe from');

  await everyLook(`${weft.url}/reset-password`, 'reset-request', (p) => p.getByRole('button', { name: 'Email me a link' }));
  await everyLook(link, 'reset', (p) => p.getByRole('button', { name: 'Set the password' }));

  await page.goto(link);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password').fill('dan’s new password');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/a/'));
  await sidebar(page).getByRole('link', { name: /General/ }).waitFor();

  // The old password no longer works; the new one does.
  await weft.api(null, 'users/login', { email: dan.email, password: 'dan’s old password' }, { expectStatus: 400 }); // "Wrong email or password"
  assert.ok(await weft.token(dan.email, 'dan’s new password'));
  const other = await newContext(env.browser);
  const signIn = await other.newPage();
  await signInThroughForm(signIn, weft.url, { email: dan.email, password: 'dan’s old password' });
  await signIn.getByRole('alert').waitFor();
  await other.close();

  assert.deepEqual(context.problems, []);

  // The link worked once.
  const answer = await page.goto(link);
  assert.equal(answer.status(), 404);
  await page.getByRole('heading', { name: 'This reset link does not work' }).waitFor();
  assert.equal(sink.mails.filter((m) => m.to.includes(dan.email) && m.text.includes('/reset-password/')).length, 1, 'one email for one request');
  await context.close();
});
