// The @mention suggestions under a text box: a listbox the box points at with
// aria-activedescendant (option ids are `${id}-${index}`); a click picks without blurring.

import type { Candidate } from './mentions';

export function MentionList({ id, list, index, pick }: { id: string; list: Candidate[]; index: number; pick: (c: Candidate) => void }) {
  return (
    <ul class="mention-list" id={id} role="listbox" aria-label="Mention">
      {list.map((c, i) => (
        <li
          key={`${c.kind}${c.id}`}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === index}
          class={`mention-option ${i === index ? 'is-active' : ''}`}
          onMouseDown={(e) => {
            e.preventDefault();
            pick(c);
          }}
        >
          <span>{c.kind === 'group' ? `@${c.name}` : c.name}</span>
          <span class="muted">{c.detail}</span>
        </li>
      ))}
    </ul>
  );
}
