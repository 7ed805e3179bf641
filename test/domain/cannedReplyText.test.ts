import { describe, expect, it } from "vitest";
import { closeShortcuts } from "../../src/domain/cannedReplies.ts";
import { expandCannedReply, unknownVariables } from "../../src/protocol/cannedReplyText.ts";

describe("canned reply variables", () => {
  const full = { "visitor.name": "Zeynep", "visitor.email": "z@example.com", "visitor.phone": "+90 555", "agent.name": "Ayşe" };

  it("fills in every variable, spaces inside the braces allowed", () => {
    expect(expandCannedReply("Hello {{visitor.name}}, I am {{ agent.name }}.\nWe write to {{visitor.email}} or call {{visitor.phone}}.", full)).toBe(
      "Hello Zeynep, I am Ayşe.\nWe write to z@example.com or call +90 555.",
    );
  });

  it("leaves out a variable with no value together with the spaces before it", () => {
    const none = { "visitor.name": null, "visitor.email": "  ", "agent.name": "Ayşe" };
    expect(expandCannedReply("Hello {{visitor.name}}, welcome!", none)).toBe("Hello, welcome!");
    expect(expandCannedReply("Hi {{visitor.name}}!", none)).toBe("Hi!");
    expect(expandCannedReply("Hi {{visitor.name}} and welcome", none)).toBe("Hi and welcome");
    expect(expandCannedReply("{{visitor.name}} thanks\n{{visitor.email}} noted", none)).toBe("thanks\nnoted");
    expect(expandCannedReply("Thanks, {{agent.name}}", none)).toBe("Thanks, Ayşe");
  });

  it("keeps text that only looks like a variable, and names unknown ones", () => {
    expect(expandCannedReply("Use {{order.id}} and {{}} as is", full)).toBe("Use {{order.id}} and {{}} as is");
    expect(unknownVariables("{{visitor.nmae}} {{ agent.name }} {{order.id}} {{order.id}}")).toEqual(["visitor.nmae", "order.id"]);
  });

  it("suggests close shortcuts: prefix, contained, then up to two typos", () => {
    const all = ["greet", "greeting", "bye", "refund", "regret"];
    expect(closeShortcuts("gre", all)).toEqual(["greet", "greeting", "regret"]);
    expect(closeShortcuts("gret", all)).toEqual(["regret", "greet"]);
    expect(closeShortcuts("refnud", all)).toEqual(["refund"]);
    expect(closeShortcuts("byee", all)).toEqual(["bye"]);
    expect(closeShortcuts("zzzzzz", all)).toEqual([]);
  });
});
