// Small pieces of UI state several components share.

import { Observable } from './observable';

export interface UiState {
  /** Phone width: the sidebar is the pane shown instead of the main view. */
  sidebarOpen: boolean;
  shortcutsOpen: boolean;
  browseChannelsOpen: boolean;
  /** A channel whose view should open with the new-thread composer (`c` pressed elsewhere). */
  composeIn: number | null;
  /** The "Plan a meeting" dialog is open (from the sidebar, Meetings or Decisions). */
  planMeetingOpen: boolean;
  /** The outcomes prompt of this meeting is open. */
  outcomesFor: number | null;
}

export const ui = new Observable<UiState>({ sidebarOpen: false, shortcutsOpen: false, browseChannelsOpen: false, composeIn: null, planMeetingOpen: false, outcomesFor: null });

export function setUi(change: Partial<UiState>): void {
  ui.update((s) => ({ ...s, ...change }));
}
