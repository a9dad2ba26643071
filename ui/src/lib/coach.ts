// Pure helpers of the coach chat: where a source links to, how costs read,
// and how streamed events build up the answer being shown.

import type { CoachEvent, Message, Retrieved } from "./bindings";

/** The page that shows a source: an activity opens itself, the rest their page. */
export function sourceLink(r: Retrieved): string {
  switch (r.kind) {
    case "activity":
      return `#/activities/${encodeURIComponent(r.id)}`;
    case "meal":
      return "#/nutrition";
    case "measurement":
      return "#/body";
    default:
      return "#/log";
  }
}

export function sourceLabel(r: Retrieved): string {
  const text = r.text.length > 70 ? `${r.text.slice(0, 69)}…` : r.text;
  return `${r.date} · ${text}`;
}

/** US dollars with enough digits to see a fraction of a cent. */
export function formatCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function messageTokens(m: Message): number {
  return (m.tokens_input ?? 0) + (m.tokens_output ?? 0);
}

export function isOffline(m: Message): boolean {
  return m.role === "assistant" && (m.context_used?.offline ?? m.ai_provider === "offline");
}

/** The answer being streamed, as the page shows it. */
export type Pending = {
  question: string;
  text: string;
  sources: Retrieved[];
  offline: boolean;
  conversationId: string | null;
  /** Set when the answer broke off; what came is kept. */
  error: string | null;
  done: Message | null;
};

export function startPending(question: string, conversationId: string | null): Pending {
  return { question, text: "", sources: [], offline: false, conversationId, error: null, done: null };
}

/** Folds one streamed event into the pending answer (a new object). */
export function applyEvent(p: Pending, e: CoachEvent): Pending {
  switch (e.event) {
    case "started":
      return { ...p, conversationId: e.data.conversation_id, offline: e.data.offline };
    case "sources":
      return { ...p, sources: e.data.sources };
    case "delta":
      return { ...p, text: p.text + e.data.text };
    case "error":
      return { ...p, error: e.data.message };
    case "done":
      return { ...p, done: e.data, text: e.data.content, offline: isOffline(e.data) };
  }
}

/** Enter sends, Shift+Enter (or composing text in an IME) makes a new line. */
export function shouldSend(e: { key: string; shiftKey: boolean; isComposing?: boolean }): boolean {
  return e.key === "Enter" && !e.shiftKey && !e.isComposing;
}
