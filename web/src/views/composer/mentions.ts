// @mention autocomplete: what is being typed after "@", who matches, and the API's
// mention markup to insert.

import type { Group, WorkspaceUser } from '../../api/types';

export type Candidate =
  | { kind: 'user'; id: number; name: string; detail: string }
  | { kind: 'group'; id: number; name: string; detail: string };

/** The "@query" right before the caret, if the caret is in one. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s(])@([\p{L}\p{N}_.'-]{0,30})$/u.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

export function candidates(query: string, users: WorkspaceUser[], groups: Group[], me: number | undefined): Candidate[] {
  const q = query.toLowerCase();
  const people: Candidate[] = users
    .filter((u) => !u.removed && !u.deactivated && !u.invite_pending && !u.bot && u.id !== me)
    .filter((u) => u.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || u.name.toLowerCase().startsWith(q) || u.email.toLowerCase().startsWith(q))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((u) => ({ kind: 'user' as const, id: u.id, name: u.name, detail: u.email }));
  const teams: Candidate[] = groups
    .filter((g) => g.name.toLowerCase().startsWith(q))
    .map((g) => ({ kind: 'group' as const, id: g.id, name: g.name, detail: `group · ${g.user_ids.length} people` }));
  return [...people, ...teams].slice(0, 7);
}

/** `[Ana Lima](twist-mention://12)` or `[design](twist-group-mention://5)`. */
export function mentionMarkup(c: Candidate): string {
  const name = c.name.replace(/[[\]]/g, '');
  return c.kind === 'user' ? `[${name}](twist-mention://${c.id})` : `[${name}](twist-group-mention://${c.id})`;
}
