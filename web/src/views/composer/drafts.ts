// Drafts survive reloads: kept per place (a thread's reply, a channel's new thread) in
// localStorage, and dropped once sent.

export interface Draft {
  title: string;
  content: string;
}

const key = (place: string) => `weft:draft:${place}`;

export function loadDraft(place: string): Draft {
  try {
    const raw = localStorage.getItem(key(place));
    const d = raw ? (JSON.parse(raw) as Partial<Draft>) : {};
    return { title: typeof d.title === 'string' ? d.title : '', content: typeof d.content === 'string' ? d.content : '' };
  } catch {
    return { title: '', content: '' };
  }
}

export function saveDraft(place: string, draft: Draft): void {
  try {
    if (!draft.title.trim() && !draft.content.trim()) localStorage.removeItem(key(place));
    else localStorage.setItem(key(place), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft lives only in the page.
  }
}

export function clearDraft(place: string): void {
  try {
    localStorage.removeItem(key(place));
  } catch {
    // Nothing to clear.
  }
}
