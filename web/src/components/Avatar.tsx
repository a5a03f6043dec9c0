// A person's initials in a tinted circle: no image to fetch, and the tint (from their id)
// tells people apart at a glance.

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? [...words[words.length - 1]!][0] ?? '' : '';
  return (first + last).toUpperCase();
}

export function Avatar({ id, name, size = 'md' }: { id: number; name: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <span class={`avatar avatar-${size} tint-${id % 8}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
