import { expect, test } from "bun:test";
import { confirmation, parseAction, parseCommand } from "./commands.ts";

test("commands: /stop, /approve, /deny, /always, with an optional @botname", () => {
  expect(parseCommand("/stop")).toEqual({ kind: "stop" });
  expect(parseCommand(" /STOP@molt_bot ")).toEqual({ kind: "stop" });
  expect(parseCommand("/approve a-1b2c")).toEqual({ kind: "approval", id: "a-1b2c", answer: "approve" });
  expect(parseCommand("/deny a-1")).toEqual({ kind: "approval", id: "a-1", answer: "deny" });
  expect(parseCommand("/always a-1")).toEqual({ kind: "approval", id: "a-1", answer: "always" });
  expect(parseCommand("/approve")).toEqual({ kind: "usage", text: "Usage: /approve <approval id>" });
});

test("anything else is a message for the model", () => {
  for (const t of ["stop", "/start", "please /stop", "/approve a b", "/unknown x", ""]) expect(parseCommand(t)).toBeNull();
});

test("button ids", () => {
  expect(parseAction("approve:a-1")).toEqual({ id: "a-1", answer: "approve" });
  expect(parseAction("deny:a-1")).toEqual({ id: "a-1", answer: "deny" });
  expect(parseAction("launch:a-1")).toBeNull();
  expect(parseAction("approve:")).toBeNull();
});

test("the confirmation of an /always says how long the policy keeps it, never more", () => {
  expect(confirmation("always", "a-1", "always")).toBe("Approved a-1, and remembered for next time.");
  expect(confirmation("always", "a-1", "session")).toBe("Approved a-1, and remembered for this conversation.");
  expect(confirmation("always", "a-1")).toBe("Approved a-1 this once: the policy remembers no answers (confirmation.remember: none).");
  expect(confirmation("approve", "a-1")).toBe("Approved a-1.");
  expect(confirmation("deny", "a-1")).toBe("Denied a-1.");
});
