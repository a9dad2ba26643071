import { describe, expect, it } from "vitest";
import type { CoachEvent, Message, Retrieved } from "./bindings";
import { applyEvent, formatCost, shouldSend, sourceLink, startPending } from "./coach";

const run: Retrieved = { kind: "activity", id: "a 1", date: "2026-11-16", text: "run: Long run 12.40 km", score: 1.1 };

function message(over: Partial<Message> = {}): Message {
  return {
    id: "m1",
    conversation_id: "c1",
    role: "assistant",
    content: "Twelve km.",
    context_used: { retrieved: [run], stats: [], offline: false, provider_error: null, trimmed_messages: 0, stopped: false },
    ai_provider: "anthropic",
    ai_model: "claude-haiku-4-5",
    tokens_input: 100,
    tokens_output: 20,
    cost_usd: 0.0002,
    created_at: "2026-11-25T12:00:00.000Z",
    conversation_cost_usd: 0.0005,
    ...over,
  };
}

describe("coach helpers", () => {
  it("links each source to the page that shows it", () => {
    expect(sourceLink(run)).toBe("#/activities/a%201");
    expect(sourceLink({ ...run, kind: "meal" })).toBe("#/nutrition");
    expect(sourceLink({ ...run, kind: "measurement" })).toBe("#/body");
    expect(sourceLink({ ...run, kind: "entry" })).toBe("#/log");
  });

  it("shows fractions of a cent", () => {
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.00123)).toBe("$0.0012");
    expect(formatCost(1.5)).toBe("$1.50");
  });

  it("builds the answer from streamed events in order", () => {
    const events: CoachEvent[] = [
      { event: "started", data: { conversation_id: "c1", offline: false } },
      { event: "sources", data: { sources: [run] } },
      { event: "delta", data: { text: "Twelve" } },
      { event: "delta", data: { text: " km." } },
    ];
    let p = startPending("how far?", null);
    for (const e of events) p = applyEvent(p, e);
    expect(p.text).toBe("Twelve km.");
    expect(p.conversationId).toBe("c1");
    expect(p.sources).toEqual([run]);
    p = applyEvent(p, { event: "error", data: { message: "anthropic: the answer broke off" } });
    expect(p.error).toContain("broke off");
    p = applyEvent(p, { event: "done", data: message({ ai_provider: "offline", context_used: null }) });
    expect(p.done?.id).toBe("m1");
    expect(p.offline).toBe(true);
  });

  it("sends on Enter and keeps Shift+Enter for new lines", () => {
    expect(shouldSend({ key: "Enter", shiftKey: false })).toBe(true);
    expect(shouldSend({ key: "Enter", shiftKey: true })).toBe(false);
    expect(shouldSend({ key: "Enter", shiftKey: false, isComposing: true })).toBe(false);
    expect(shouldSend({ key: "a", shiftKey: false })).toBe(false);
  });
});
