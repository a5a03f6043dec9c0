// First run and sign-in, through the real pages: `/` on a fresh instance leads to the setup
// form, which makes the first account and workspace and signs in; then sign-out from the
// app's menu, and sign-in through the /login form (a wrong password first).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, startWeft, launchBrowser, newContext, setUpThroughForm, signInThroughForm, screenshot } from './lib/weft.mjs';

let weft;
let browser;

before(async () => {
  weft = await startWeft();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await weft?.stop();
});

/** The app's sidebar, once the app has loaded the workspace. */
const sidebar = (page) => page.getByRole('navigation', { name: 'Workspace' });

test('a fresh instance leads to the setup page, which creates the admin and the workspace and signs in', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${weft.url}/`);
  assert.equal(new URL(page.url()).pathname, '/setup', 'a fresh instance opens on the setup page');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Welcome to Weft' }).waitFor());
  await screenshot(page, 'setup-wide-light');

  // A mistake first: the form says what is wrong and keeps what was typed.
  await page.getByLabel('Your name').fill(ADMIN.name);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
  await page.getByLabel('Workspace name').fill(ADMIN.workspace);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /time zone/i);
  assert.equal(await page.getByLabel('Your name').inputValue(), ADMIN.name, 'the name is kept');

  await setUpThroughForm(page, weft.url);
  assert.ok(!['/setup', '/login'].includes(new URL(page.url()).pathname), `lands in the app, at ${page.url()}`);

  // The app runs: the workspace and its General channel show in the sidebar.
  await sidebar(page).getByRole('link', { name: /General/ }).waitFor();
  await sidebar(page).getByText(ADMIN.workspace, { exact: true }).waitFor();

  // The session is an HttpOnly, SameSite=Lax cookie that scripts cannot read.
  const cookies = await context.cookies(weft.url);
  const session = cookies.find((c) => c.name === 'weft_session');
  assert.ok(session, `a weft_session cookie is set: ${JSON.stringify(cookies)}`);
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie.includes('weft_session')), false);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).length), 0, 'no token kept in localStorage');

  // The setup page is gone for good once an account exists.
  await page.goto(`${weft.url}/setup`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await context.close();
});

test('sign out from the app menu, then sign in through the /login form', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  // Opening the app signed out leads to sign-in, which comes back to the same place.
  await page.goto(`${weft.url}/a/1/inbox`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/a/1/inbox');
  await screenshot(page, 'login-wide-light');

  await signInThroughForm(page, weft.url, { email: ADMIN.email, password: 'not the password' }, '/a/1/inbox');
  await page.getByRole('alert').waitFor();
  assert.equal(new URL(page.url()).pathname, '/login', 'a wrong password stays on the sign-in page');
  assert.ok((await page.getByRole('alert').innerText()).trim().length > 0, 'the error says something');
  assert.equal(await page.getByLabel('Email').inputValue(), ADMIN.email, 'the email is kept');
  assert.equal((await context.cookies(weft.url)).some((c) => c.name === 'weft_session'), false);

  await signInThroughForm(page, weft.url, ADMIN, '/a/1/inbox');
  await page.waitForURL(`${weft.url}/a/1/inbox`);
  await sidebar(page).getByRole('link', { name: /General/ }).waitFor();

  // Sign out through the menu: back to the sign-in page, and the session is over.
  await page.getByRole('button', { name: 'Your menu' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  assert.equal((await context.cookies(weft.url)).some((c) => c.name === 'weft_session'), false, 'the cookie is cleared');
  await page.goto(`${weft.url}/a/1/inbox`);
  assert.equal(new URL(page.url()).pathname, '/login', 'the app asks to sign in again');
  await context.close();
});

test('the sign-in form works without JavaScript', async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  await signInThroughForm(page, weft.url, ADMIN, '/a/1/inbox');
  await page.waitForURL(`${weft.url}/a/1/inbox`);
  const session = (await context.cookies(weft.url)).find((c) => c.name === 'weft_session');
  assert.ok(session, 'signed in without scripts');
  assert.equal(await page.locator('meta[name="csrf-token"]').count(), 1, "the app's page is served");
  await context.close();
});
