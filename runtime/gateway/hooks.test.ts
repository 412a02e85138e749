// What a webhook's reply reports about its turn's tool calls (DESIGN §8: denied and reported).
import { describe, expect, test } from "bun:test";
import { hookCalls } from "./hooks.ts";

describe("hookCalls", () => {
  test("denied and failed calls are listed apart, with tool, code and message only", () => {
    const c = hookCalls();
    c.emit("tool.call", { tool: "shell_execute", params: { command: "rm" } });
    c.emit("tool.result", { tool: "shell_execute", ok: false, summary: "confirmation_required: shell_execute needs a person: x" });
    c.emit("tool.result", { tool: "file_read", ok: true, summary: "ok" });
    c.emit("tool.result", { tool: "web_fetch", ok: false, summary: "permission_denied: Requires net access to \"a:1\"" });
    c.emit("tool.result", { tool: "weird", ok: false, summary: "skill_error: boom: with a colon" });
    c.emit("tool.result", { tool: "odd", ok: false, summary: "no code here" });
    expect(c.denied).toEqual([
      { tool: "shell_execute", code: "confirmation_required", message: "shell_execute needs a person: x" },
      { tool: "web_fetch", code: "permission_denied", message: 'Requires net access to "a:1"' },
    ]);
    expect(c.failed).toEqual([
      { tool: "weird", code: "skill_error", message: "boom: with a colon" },
      { tool: "odd", code: "internal", message: "no code here" },
    ]);
  });

  test("long messages are cut and the lists are bounded", () => {
    const c = hookCalls();
    for (let i = 0; i < 150; i++) c.emit("tool.result", { tool: "t", ok: false, summary: `forbidden: ${"x".repeat(1000)}` });
    expect(c.denied).toHaveLength(100);
    expect(c.denied[0]!.message.length).toBe(501);
  });
});
