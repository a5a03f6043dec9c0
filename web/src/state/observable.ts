// A tiny observable value and the hook that lets a component follow part of it.
// Updates replace objects (never mutate), so a selector's result changes identity exactly
// when what it selects changed, and components re-render only then.

import { useEffect, useReducer, useRef } from 'preact/hooks';

export class Observable<T> {
  private listeners = new Set<() => void>();
  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (current: T) => T): void {
    this.set(change(this.value));
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Follows `select(value)`; the component re-renders when the selected part changes. */
export function useSelect<T, S>(source: Observable<T>, select: (value: T) => S): S {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const selected = select(source.get());
  const latest = useRef({ select, selected });
  latest.current = { select, selected };
  useEffect(() => {
    const check = () => {
      const next = latest.current.select(source.get());
      if (!Object.is(next, latest.current.selected)) rerender(0);
    };
    check();
    return source.subscribe(check);
  }, [source]);
  return selected;
}
