// A small, lifelike workspace for the screens that are looked at (screenshots, axe):
// a few people, channels, threads with comments and reactions, some of it in Ana's inbox,
// an answer Carol asked Ana for, a recap Ana scheduled for her colleagues' morning,
// decisions (one by a DRI, one by a thread's author), a decision due from Ana, and a
// kickoff meeting with its agenda thread.
// Made through the API, as Ana's colleagues would make it.

/** Fills the workspace of `env` (from freshInstance); answers what it made. */
export async function seedWorkspace(env) {
  const { weft, admin, workspaceId: ws } = env;
  const api = (who, endpoint, body) => weft.api(who.token, endpoint, body);
  const bob = await weft.addPerson({ name: 'Bob Tanaka', email: 'bob@acme.test', timezone: 'Asia/Tokyo', workspaceId: ws, adminToken: admin.token });
  const carol = await weft.addPerson({ name: 'Carol Okafor', email: 'carol@acme.test', timezone: 'America/New_York', workspaceId: ws, adminToken: admin.token });
  const everyone = [bob.id, carol.id];

  const planning = await api(admin, 'channels/add', { workspace_id: ws, name: 'Planning', public: true, user_ids: everyone, description: 'Roadmap, launches and who does what' });
  const design = await api(admin, 'channels/add', { workspace_id: ws, name: 'Design', public: true, user_ids: everyone });
  const leads = await api(admin, 'channels/add', { workspace_id: ws, name: 'Team leads', public: false, user_ids: [bob.id] });

  const q3 = await api(bob, 'threads/add', {
    channel_id: planning.id,
    title: 'Q3 plan: which launch goes first?',
    content: 'Two launches compete for **September**: the mobile app and the new billing.\n\n- mobile needs two weeks of store review\n- billing needs the finance team\n\nWhich one first? Comments by Friday, please.',
    recipients: [admin.id, carol.id],
  });
  await api(carol, 'comments/add', { thread_id: q3.id, content: 'Billing first: finance is free in September, not in October.', recipients: [admin.id, bob.id] });
  await api(bob, 'reactions/add', { comment_id: (await lastComment(weft, admin, q3.id)).id, reaction: '👍' });
  await api(bob, 'comments/add', { thread_id: q3.id, content: 'Agreed. I will move the mobile launch to October and tell the store team.\n\n```\nmobile: 2026-10-05\nbilling: 2026-09-14\n```', recipients: [admin.id, carol.id] });

  const logo = await api(carol, 'threads/add', { channel_id: design.id, title: 'New logo drafts', content: 'Three directions for the new logo. Which one reads best at small sizes?', recipients: [admin.id], request_reply: [admin.id] });
  await api(bob, 'comments/add', { thread_id: logo.id, content: 'The second one. The others blur below 24 px.', recipients: [admin.id, carol.id] });

  const hiring = await api(admin, 'threads/add', { channel_id: leads.id, title: 'Hiring plan for next year', content: 'A draft of the hiring plan is in the shared folder.', recipients: [bob.id] });
  await api(bob, 'comments/add', { thread_id: hiring.id, content: 'Looks right. One more support engineer in Tokyo would help the night shift.', recipients: [admin.id] });

  await api(admin, 'threads/pin', { id: q3.id });
  // Deciding in writing: Bob decides the launch order (Carol's comment is the decision);
  // Carol makes Ana the DRI of the logo, due in two days; Ana settles the hiring plan.
  await api(bob, 'threads/update', { id: q3.id, dri_id: bob.id });
  const q3Comments = await weft.api(admin.token, 'comments/get', { thread_id: q3.id }, { method: 'GET' });
  await api(bob, 'comments/mark_decision', { id: q3Comments[0].id });
  const now = Math.floor(Date.now() / 1000);
  await api(carol, 'threads/update', { id: logo.id, dri_id: admin.id, decision_due_ts: now + 2 * 86400 });
  await api(admin, 'comments/mark_decision', { id: (await lastComment(weft, admin, hiring.id)).id });
  // A kickoff the day after tomorrow, on the hour: its agenda thread is in Planning.
  const starts = Math.ceil((now + 2 * 86400) / 3600) * 3600;
  const kickoff = (
    await api(admin, 'meetings/add', {
      workspace_id: ws,
      channel_id: planning.id,
      title: 'Billing launch kickoff',
      reason: 'kickoff',
      attendee_ids: everyone,
      starts_ts: starts,
      duration_min: 45,
      agenda: 'Who does what for the billing launch on 14 September, and how we keep finance in the loop.',
    })
  ).meeting;
  // A recap Ana wrote for her colleagues' next morning: only she sees it until then.
  await api(admin, 'threads/add', { channel_id: planning.id, title: 'Weekly recap', content: 'What shipped, what slipped, what is next.', recipients: everyone, send_at: 'recipient_morning' });
  return { bob, carol, planning, design, leads, threads: { q3, logo, hiring }, meetings: { kickoff } };
}

async function lastComment(weft, who, threadId) {
  const list = await weft.api(who.token, 'comments/get', { thread_id: threadId }, { method: 'GET' });
  return list[list.length - 1];
}
