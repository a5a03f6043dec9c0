// Search: "/" goes to it, results come with the matching words highlighted, a filter by
// person narrows them, and a result opens the thread at the comment. A hostile result
// (title and comment) is shown as text.
//
// Skipped, saying so, while the app still shows its "Search is coming" placeholder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshInstance } from './lib/weft.mjs';
import { seedWorkspace } from './lib/seed.mjs';

let env;
let seeded;
let page;


before(async () => {
  env = await freshInstance();
  seeded = await seedWorkspace(env);
  page = env.page;
  page.on('dialog', (d) => {
    page.__dialogs = (page.__dialogs ?? 0) + 1;
    void d.dismiss();
  });
  await env.weft.api(seeded.carol.token, 'threads/add', {
    channel_id: seeded.design.id,
    title: 'Palette <img src=x onerror="window.__xss=1">',
    content: 'Palette ideas <script>window.__xss=1</script> for the launch',
  });
});

after(async () => {
  await env?.cleanup();
});

/** Opens a search; answers false when the app has no search yet (its placeholder shows). */
async function openSearch(query) {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/search?q=${encodeURIComponent(query)}`);
  const results = page.getByRole('list', { name: 'Search results' });
  const placeholder = page.getByText('Search is coming');
  await results.or(placeholder).or(page.getByText(/^Nothing matches/)).first().waitFor();
  return (await placeholder.count()) === 0;
}

test('/ leads to search; results highlight the words, a person filter narrows them, a result opens at its comment', async (t) => {
  if (!(await openSearch('launch'))) return t.skip('the app shows its "Search is coming" placeholder');

  // "/" from anywhere reaches a search box; typing and Enter searches.
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/inbox`);
  await page.getByRole('list', { name: 'Inbox' }).waitFor();
  await page.keyboard.press('/');
  await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search');
  await page.keyboard.type('launch');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname.endsWith('/search') && u.searchParams.get('q') === 'launch');
  const results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await results.first().waitFor();
  const texts = await results.allInnerTexts();
  assert.ok(texts.some((x) => /Q3 plan/.test(x)), `the Q3 thread is found: ${texts.join(' | ')}`);
  assert.ok((await page.locator('.search-results mark').count()) > 0, 'matching words are highlighted');
  for (const mark of await page.locator('.search-results mark').allInnerTexts()) assert.match(mark, /launch/i);

  // "September" is in Bob's opening post and in Carol's comment; From Carol keeps hers only.
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/search?q=September`);
  await results.first().waitFor();
  const everyone = await results.allInnerTexts();
  assert.ok(everyone.some((x) => x.includes('Bob Tanaka')) && everyone.some((x) => x.includes('Carol Okafor')), `both match: ${everyone.join(' | ')}`);
  await page.getByLabel('From').selectOption({ label: 'Carol Okafor' });
  await page.waitForURL((u) => u.search.includes('from='));
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('.search-results [data-nav-item]')];
    return rows.length > 0 && rows.every((r) => r.innerText.includes('Carol Okafor'));
  });
  assert.ok((await results.count()) < everyone.length, 'fewer results with the filter');

  // Open Bob's comment about the store team: the thread opens at that comment.
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/search?q=${encodeURIComponent('store team')}`);
  await results.filter({ hasText: 'store team' }).first().click();
  await page.waitForURL(/\/t\/\d+\/c\/\d+$/);
  const commentId = /\/c\/(\d+)$/.exec(page.url())[1];
  const target = page.locator(`#comment-${commentId}`);
  await target.waitFor();
  assert.match(await target.innerText(), /store team/);
  assert.ok(await target.isVisible(), 'the comment is in view');
});

test('a hostile result is shown as text and runs nothing', async (t) => {
  if (!(await openSearch('palette'))) return t.skip('the app shows its "Search is coming" placeholder');
  const row = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: 'Palette' }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /Palette <img src=x onerror="window.__xss=1">/i, 'the title is shown literally');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(page.__dialogs ?? 0, 0);
  assert.equal(await page.locator('.search-results img, .search-results script').count(), 0);
});
