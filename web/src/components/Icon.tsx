// A few line icons drawn inline as SVG (no icon font, nothing fetched). Decorative:
// the button or link around an icon carries the accessible name.

const paths: Record<string, string> = {
  inbox: 'M3 13h5l1.5 3h5L16 13h5M5.5 5h13L21 13v6H3v-6z',
  star: 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8L12 16.9l-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z',
  hash: 'M9 4L7 20M17 4l-2 16M4.5 9h16M3.5 15h16',
  lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 017 0v3',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  clock: 'M12 7v5l3 2M12 3.5a8.5 8.5 0 110 17 8.5 8.5 0 010-17z',
  search: 'M10.5 4a6.5 6.5 0 110 13 6.5 6.5 0 010-13zM15.5 15.5L20 20',
  back: 'M14.5 5.5L8 12l6.5 6.5',
  more: 'M6 12h.01M12 12h.01M18 12h.01',
  plus: 'M12 5v14M5 12h14',
  pin: 'M9 4h6l-1 5 3 3v2H7v-2l3-3zM12 14v6',
  mute: 'M11 5L6.5 9H4v6h2.5L11 19zM16 9.5l5 5M21 9.5l-5 5',
  smile: 'M12 3.5a8.5 8.5 0 110 17 8.5 8.5 0 010-17zM8.5 14.5s1.2 2 3.5 2 3.5-2 3.5-2M9 10h.01M15 10h.01',
  close: 'M6 6l12 12M18 6L6 18',
  chat: 'M4.5 5.5h15v10h-9l-4.5 4v-4h-1.5z',
  gear: 'M12 9a3 3 0 110 6 3 3 0 010-6zM12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1',
  alert: 'M12 4l9 16H3zM12 10v4M12 17h.01',
  menu: 'M4 7h16M4 12h16M4 17h16',
  edit: 'M5 19h4L19 9l-4-4L5 15zM13.5 6.5l4 4',
  trash: 'M5 7h14M10 7V4.5h4V7M7 7l1 13h8l1-13',
  move: 'M4 12h14M13 7l5 5-5 5',
  undo: 'M9 6L4 11l5 5M4 11h10a5 5 0 010 10h-3',
  bookmark: 'M7 4h10v16l-5-4-5 4z',
  globe: 'M12 3.5a8.5 8.5 0 110 17 8.5 8.5 0 010-17zM3.5 12h17M12 3.5c2.5 2.5 3.5 5.5 3.5 8.5s-1 6-3.5 8.5c-2.5-2.5-3.5-5.5-3.5-8.5s1-6 3.5-8.5z',
  keyboard: 'M3.5 7h17v10h-17zM7 10h.01M10 10h.01M13 10h.01M16 10h.01M8 14h8',
  bell: 'M6 16V11a6 6 0 0112 0v5l1.5 2h-15zM10 20.5h4',
  paperclip: 'M16.5 7.5l-7 7a2 2 0 002.8 2.8l7.4-7.4a4 4 0 00-5.7-5.7L6.6 11.6a6 6 0 008.5 8.5l5.4-5.4',
  file: 'M6 3.5h8l4 4v13H6zM14 3.5v4h4',
  download: 'M12 4v11M7.5 10.5L12 15l4.5-4.5M5 19.5h14',
  decision: 'M12 3.5a8.5 8.5 0 110 17 8.5 8.5 0 010-17zM8.2 12.3l2.6 2.6 5-5.4',
  calendar: 'M4.5 6h15v13.5h-15zM4.5 10h15M8.5 3.5V8M15.5 3.5V8',
  person: 'M12 4a3.5 3.5 0 110 7 3.5 3.5 0 010-7zM5 20c.8-3.6 3.6-5.5 7-5.5s6.2 1.9 7 5.5',
};

export type IconName = keyof typeof paths;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={paths[name]} />
    </svg>
  );
}
