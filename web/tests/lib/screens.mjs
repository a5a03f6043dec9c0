// The app's main screens, each with what shows that it is ready to be looked at.

/** Screens of a seeded workspace (see seed.mjs): [name, path, ready(page)]. */
export function appScreens(ws, seeded) {
  const { planning, threads, meetings } = seeded;
  return [
    ['inbox', `/a/${ws}/inbox`, (page) => page.getByRole('list', { name: 'Inbox' }).getByRole('listitem').first().waitFor()],
    ['channel', `/a/${ws}/ch/${planning.id}`, (page) => page.getByRole('list', { name: 'Threads in Planning' }).waitFor()],
    ['thread', `/a/${ws}/ch/${planning.id}/t/${threads.q3.id}`, (page) => page.locator('article.post-comment').last().waitFor()],
    ['owed', `/a/${ws}/owed`, (page) => page.getByRole('list', { name: 'Owed, open' }).getByRole('listitem').first().waitFor()],
    ['waiting', `/a/${ws}/waiting`, (page) => page.getByRole('main').getByRole('heading', { name: 'You wait for no answers' }).waitFor()],
    ['scheduled', `/a/${ws}/scheduled`, (page) => page.getByRole('list', { name: 'Waiting to be sent' }).getByRole('listitem').first().waitFor()],
    ['decisions', `/a/${ws}/decisions`, (page) => page.getByRole('list', { name: 'Decisions' }).getByRole('listitem').first().waitFor()],
    ['meetings', `/a/${ws}/meetings`, (page) => page.getByRole('list', { name: 'Upcoming meetings' }).getByRole('listitem').first().waitFor()],
    ['analytics', `/a/${ws}/analytics`, (page) => page.getByRole('img', { name: /^Posts and pushes day by day/ }).waitFor()],
    ['agenda-thread', `/a/${ws}/ch/${planning.id}/t/${meetings.kickoff.thread_id}`, (page) => page.getByRole('region', { name: 'Meeting' }).waitFor()],
    ['search', `/a/${ws}/search?q=launch`, (page) => page.getByRole('main').getByRole('heading', { name: 'Search', exact: true }).waitFor()],
    ['conversations', `/a/${ws}/msg`, (page) => page.getByRole('main').getByRole('heading', { name: 'Conversations', exact: true }).waitFor()],
    ['settings', `/a/${ws}/settings/profile`, (page) => page.locator('#main h1').first().waitFor()],
    ['notification-settings', `/a/${ws}/settings/notifications`, (page) => page.getByRole('list', { name: 'Notifications per channel' }).waitFor()],
    ['workspace-members', `/a/${ws}/admin/members`, (page) => page.getByRole('list', { name: 'Members' }).waitFor()],
    ['workspace-channels', `/a/${ws}/admin/channels`, (page) => page.getByRole('list', { name: 'Channels', exact: true }).waitFor()],
  ];
}

/** Opens a screen and waits until it is ready and nothing in it is still loading. */
export async function openScreen(page, base, [, path, ready]) {
  await page.goto(base + path);
  await ready(page);
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
  // Fonts and layout settle before a picture or an audit.
  await page.evaluate(() => document.fonts.ready);
}
