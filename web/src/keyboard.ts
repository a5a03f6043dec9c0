// Single-key shortcuts. Views register what a key does while they are shown
// (`useShortcuts`); the newest registration of a key wins, so a thread's `r` beats
// nothing and a dialog's keys beat the view beneath. Keys never fire while typing.
//
// Lists take part by marking rows `data-nav-item`: j/k move focus between them, Enter
// or o follows the row's `data-nav-open` link (or the row itself when it is a link).

import { useEffect, useRef } from 'preact/hooks';

/** A key's action; answering `false` lets an older registration of the key have it. */
export type Handler = () => void | boolean;
type Registration = { keys: Record<string, Handler> };
const stack: Registration[] = [];

export const SHORTCUTS: Array<[string, string]> = [
  ['j / k', 'Next / previous item in a list'],
  ['Enter or o', 'Open the selected item'],
  ['e', 'Done: take the selected thread out of the inbox'],
  ['r', 'Reply in the open thread or conversation'],
  ['c', 'Start a new thread in the open channel (a conversation in Conversations)'],
  ['/', 'Search'],
  ['g then i', 'Go to the inbox'],
  ['g then s', 'Go to saved threads'],
  ['g then o', 'Go to the answers you owe'],
  ['g then w', 'Go to the answers you wait for'],
  ['g then d', 'Go to the decisions'],
  ['g then m', 'Go to the meetings (there, c plans one)'],
  ['g then a', 'Go to the analytics (the team’s for admins, else your own)'],
  ['Ctrl/⌘ + Enter', 'Send what you are writing'],
  ['Enter in a conversation', 'Send the message (Shift + Enter: a new line)'],
  ['Escape', 'Close, or go back'],
  ['?', 'Show these shortcuts'],
];

/** Registers keys for as long as the calling component is mounted. */
export function useShortcuts(keys: Record<string, Handler>): void {
  const reg = useRef<Registration>({ keys });
  reg.current.keys = keys;
  useEffect(() => {
    const r = reg.current;
    stack.push(r);
    return () => {
      const i = stack.lastIndexOf(r);
      if (i >= 0) stack.splice(i, 1);
    };
  }, []);
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Runs the newest handler of a key that takes it; answers whether one did. */
function runKey(key: string): boolean {
  for (let i = stack.length - 1; i >= 0; i--) {
    const h = stack[i]!.keys[key];
    if (h && h() !== false) return true;
  }
  return false;
}

/** The rows of the list in the main pane (or the sidebar, when focus is there). */
function navItems(): HTMLElement[] {
  const active = document.activeElement as HTMLElement | null;
  const scope = active?.closest('[data-nav-scope]') ?? document.querySelector('main [data-nav-scope]') ?? document.querySelector('main');
  return scope ? [...scope.querySelectorAll<HTMLElement>('[data-nav-item]')] : [];
}

export function currentNavItem(): HTMLElement | null {
  return (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-nav-item]') ?? null;
}

function move(step: number): void {
  const items = navItems();
  if (items.length === 0) return;
  const current = currentNavItem();
  const index = current ? items.indexOf(current) : -1;
  const next = items[Math.max(0, Math.min(items.length - 1, index < 0 ? 0 : index + step))]!;
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
}

function openCurrent(): boolean {
  const item = currentNavItem();
  if (!item) return false;
  const link = item.matches('a') ? item : item.querySelector<HTMLElement>('[data-nav-open]');
  link?.click();
  return link !== null;
}

let pendingG = 0;

export function installKeyboard(): void {
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === 'Escape') (e.target as HTMLElement).blur();
      return;
    }
    const key = e.key;
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      if (runKey(`g ${key}`)) e.preventDefault();
      return;
    }
    if (key === 'g') {
      pendingG = Date.now();
      return;
    }
    if (key === 'j' || key === 'k') {
      e.preventDefault();
      move(key === 'j' ? 1 : -1);
      return;
    }
    if ((key === 'Enter' || key === 'o') && currentNavItem() && !(e.target as HTMLElement).matches('button, a')) {
      if (openCurrent()) e.preventDefault();
      return;
    }
    if (key === 'o' && openCurrent()) {
      e.preventDefault();
      return;
    }
    if (runKey(key)) e.preventDefault();
  });
}

/**
 * A box's `onBlur` for its suggestion list: closes the list a moment after the box lost
 * the focus (so a click on a suggestion still lands), unless the focus came back in the
 * meantime — typing "@" right after refocusing must not lose the list it just opened.
 */
export function closeWhenLeft(close: () => void) {
  return (e: FocusEvent) => {
    const box = e.currentTarget as HTMLElement;
    setTimeout(() => {
      if (document.activeElement !== box) close();
    }, 150);
  };
}
