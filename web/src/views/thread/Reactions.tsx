// Emoji reactions on a post: each emoji with its count, mine highlighted; a small picker.

import { Icon } from '../../components/Icon';
import { Popover } from '../../components/Popover';
import { app, userName } from '../../state/app';

export const COMMON_REACTIONS = ['👍', '❤️', '😄', '🎉', '👀', '🙏', '✅', '🤔'];

export type ReactionMap = Record<string, number[]>;

/** The reactions a post has; nothing at all when it has none. */
export function Reactions({ reactions, me, onToggle }: { reactions: ReactionMap | undefined | null; me: number; onToggle: (emoji: string, on: boolean) => void }) {
  const entries = Object.entries(reactions ?? {}).filter(([, users]) => users.length > 0);
  if (entries.length === 0) return null;
  const s = app.get();
  return (
    <div class="reactions">
      {entries.map(([emoji, users]) => {
        const mine = users.includes(me);
        const names = users.map((id) => userName(s, id)).join(', ');
        return (
          <button
            type="button"
            key={emoji}
            class={`reaction ${mine ? 'is-mine' : ''}`}
            aria-pressed={mine}
            aria-label={`${emoji} ${users.length}: ${names}${mine ? ' (you reacted; press to take it back)' : ''}`}
            title={names}
            onClick={() => onToggle(emoji, !mine)}
          >
            <span class="reaction-emoji">{emoji}</span> <span class="reaction-count">{users.length}</span>
          </button>
        );
      })}
      <ReactionPicker reactions={reactions} me={me} onToggle={onToggle} />
    </div>
  );
}

/** The button that adds a reaction, with a few common ones to pick from. */
export function ReactionPicker({ reactions, me, onToggle }: { reactions: ReactionMap | undefined | null; me: number; onToggle: (emoji: string, on: boolean) => void }) {
  return (
    <Popover label="Add a reaction" buttonClass="btn-icon btn-small reaction-add" align="right" button={<Icon name="smile" size={16} />}>
      {(close) => (
        <div class="emoji-picker">
          {COMMON_REACTIONS.map((emoji) => (
            <button
              type="button"
              key={emoji}
              class="emoji-option"
              aria-label={`React with ${emoji}`}
              onClick={() => {
                close();
                if (!(reactions?.[emoji] ?? []).includes(me)) onToggle(emoji, true);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </Popover>
  );
}

/** The reactions after someone added or took back one. */
export function withReaction(reactions: ReactionMap | undefined | null, emoji: string, user: number, on: boolean): ReactionMap {
  const next: ReactionMap = { ...(reactions ?? {}) };
  const users = (next[emoji] ?? []).filter((u) => u !== user);
  if (on) users.push(user);
  if (users.length) next[emoji] = users;
  else delete next[emoji];
  return next;
}
