import { useMarkdown } from '../markdown';

/** Post content: the server's sanitized HTML, or the plain text until (or unless) it comes. */
export function Markdown({ text, class: extra = '' }: { text: string; class?: string }) {
  const html = useMarkdown(text);
  if (typeof html === 'string') {
    // Safe: this HTML comes from the server's renderer and sanitizer (markdown/render).
    return <div class={`md ${extra}`} dangerouslySetInnerHTML={{ __html: html }} />;
  }
  return <div class={`md md-plain ${extra}`}>{withoutMentionMarkup(text)}</div>;
}

/** Plain text shows a mention as "@Ana Lima", not as its link markup. */
function withoutMentionMarkup(text: string): string {
  return text.replace(/\[([^\]]*)\]\(twist-(?:group-)?mention:\/\/\d+\)/g, '@$1');
}

/** Opens links inside rendered content in a new tab without giving it our window. */
export function openContentLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    const anchor = (event.target as Element | null)?.closest?.('.md a[href]') as HTMLAnchorElement | null;
    if (!anchor) return;
    const url = new URL(anchor.href, location.href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'mailto:') {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    window.open(url.href, '_blank', 'noopener,noreferrer');
  });
}
