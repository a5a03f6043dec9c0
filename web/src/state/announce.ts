// What the screen reader hears: one polite live region, fed by short sentences
// ("Sent", "3 new comments", "Could not send: …").

import { Observable } from './observable';

export const announcement = new Observable<{ text: string; n: number }>({ text: '', n: 0 });

export function announce(text: string): void {
  announcement.update((a) => ({ text, n: a.n + 1 }));
}
