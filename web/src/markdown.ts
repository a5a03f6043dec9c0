// Markdown is rendered in one place: the server's renderer and sanitizer, through
// `markdown/render`. The app batches the texts a screen needs into one call and caches the
// HTML by source text. Only this server-sanitized HTML is ever set as HTML; while the
// endpoint is unavailable, content is shown as plain text (escaped by Preact).

import { useEffect, useState } from 'preact/hooks';
import { ApiError, call } from './api/client';

/** The most texts one call may carry (the endpoint's limit). */
const BATCH = 500;
const cache = new Map<string, string>();
const waiting = new Map<string, Array<(html: string | null) => void>>();
let queued: string[] = [];
let flushScheduled = false;
/** False once the server said it has no such endpoint: stop asking. */
let available = true;

/** Renders texts in batches; resolves to HTML, or null when the server cannot render. */
export function renderMarkdown(text: string): Promise<string | null> {
  const hit = cache.get(text);
  if (hit !== undefined) return Promise.resolve(hit);
  if (!available) return Promise.resolve(null);
  return new Promise((resolve) => {
    const list = waiting.get(text);
    if (list) {
      list.push(resolve);
      return;
    }
    waiting.set(text, [resolve]);
    queued.push(text);
    if (!flushScheduled) {
      flushScheduled = true;
      // Everything a render pass asks for goes out in one request.
      queueMicrotask(() => void flush());
    }
  });
}

/** Renders many texts ahead of showing them (a page of comments), in as few calls as possible. */
export async function prerender(texts: string[]): Promise<void> {
  await Promise.all(texts.map(renderMarkdown));
}

async function flush(): Promise<void> {
  flushScheduled = false;
  const texts = queued;
  queued = [];
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = texts.slice(i, i + BATCH);
    let html: (string | null)[] = batch.map(() => null);
    try {
      html = await renderBatch(batch);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) available = false;
    }
    batch.forEach((text, j) => {
      const h = html[j] ?? null;
      if (h !== null) cache.set(text, h);
      for (const resolve of waiting.get(text) ?? []) resolve(h);
      waiting.delete(text);
    });
  }
}

async function renderBatch(texts: string[]): Promise<(string | null)[]> {
  const { html } = await call('markdown/render', { texts });
  return texts.map((_, i) => (typeof html[i] === 'string' ? html[i]! : null));
}

/** The HTML of a text for a component: undefined while loading, null when unavailable. */
export function useMarkdown(text: string): string | null | undefined {
  const [html, setHtml] = useState<string | null | undefined>(() => cache.get(text));
  useEffect(() => {
    let live = true;
    const hit = cache.get(text);
    if (hit !== undefined) setHtml(hit);
    else renderMarkdown(text).then((h) => live && setHtml(h));
    return () => {
      live = false;
    };
  }, [text]);
  return html;
}
