// Direct conversations — a placeholder until the conversations views are built.
// To come here: the list of conversations (unread marked), a chat-like view of one
// (conversation_messages/get, live via message_* events), and "new conversation" with a
// people picker. The route already carries the conversation and message ids.

import { Empty } from '../components/Empty';
import { ViewHeader } from '../components/ViewHeader';
import type { Route } from '../router';

export function ConversationsView({ route }: { ws: number; route: Extract<Route, { name: 'conversations' | 'conversation' }> }) {
  return (
    <section class="view">
      <ViewHeader title="Conversations" />
      <Empty icon="chat" title="Conversations are coming">
        Direct conversations with one or a few people will live here: the list, a chat-like view and a
        people picker to start one.{route.name === 'conversation' ? ` (You opened conversation ${route.conversation}.)` : ''}
      </Empty>
    </section>
  );
}
