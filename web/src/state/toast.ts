// A short note at the bottom of the screen after an action, with an optional way back
// ("Done · Undo"). It is also announced to screen readers.

import { announce } from './announce';
import { Observable } from './observable';

export interface Toast {
  id: number;
  text: string;
  action?: { label: string; run: () => void } | undefined;
}

export const toast = new Observable<Toast | null>(null);
let nextId = 1;
let timer: number | undefined;

export function showToast(text: string, action?: Toast['action']): void {
  const id = nextId++;
  toast.set({ id, text, action });
  announce(action ? `${text}. ${action.label} is available.` : text);
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    if (toast.get()?.id === id) toast.set(null);
  }, 6000);
}

export function dismissToast(): void {
  toast.set(null);
}
