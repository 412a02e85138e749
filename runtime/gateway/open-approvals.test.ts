import { describe, expect, test } from "bun:test";
import { OpenApprovals } from "./open-approvals.ts";

const at = (ms: number) => new Date(ms).toISOString();
const request = (id: string, turn: string, expiresMs: number) => ({ id, turn, tool: "shell_execute", params: {}, reason: "r", expiresAt: at(expiresMs) });

describe("OpenApprovals", () => {
  test("kept per user and session until settled; expired ones are not replayed", () => {
    let now = 1_000;
    const open = new OpenApprovals(() => now);
    expect(open.observe("webchat:a", "webchat:a", "approval.request", request("k7m2qx", "t1", 5_000))).toBeNull();
    open.observe("webchat:b", "webchat:b", "approval.request", request("p3n4rs", "t2", 5_000));
    expect(open.of("webchat:a").map((a) => a.id)).toEqual(["k7m2qx"]);
    expect(open.of("webchat:a", "webchat:a/work")).toEqual([]);
    expect(open.settle("K7M2QX ", "approved", "webchat:a")).toEqual({ user: "webchat:a", data: { id: "k7m2qx", turn: "t1", state: "approved", by: "webchat:a" } });
    expect(open.settle("k7m2qx", "denied")).toBeNull();
    expect(open.of("webchat:a")).toEqual([]);
    now = 6_000;
    expect(open.of("webchat:b")).toEqual([]);
  });

  test("an approval still open at a later event of its turn was left behind: expired or cancelled, never guessed approved", () => {
    let now = 0;
    const open = new OpenApprovals(() => now);
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["tool.result", { ok: true, summary: "ok" }, 0, "cancelled"],
      ["tool.result", { ok: false, summary: "confirmation_rejected: running x was rejected" }, 10_000, "expired"],
      ["chat.error", { error: { code: "cancelled" } }, 0, "cancelled"],
      ["approval.request", request("b", "t", 99_000), 10_000, "expired"],
    ];
    for (const [name, data, t, state] of cases) {
      now = 0;
      open.observe("u", "s", "approval.request", request("a", "t", 10_000));
      expect(open.observe("u", "s", "chat.delta", { turn: "t", text: "." })).toBeNull();
      now = t;
      expect(open.observe("u", "s", name, { turn: "t", ...data })).toEqual({ id: "a", turn: "t", state: state as never });
      open.settle("b", "cancelled");
    }
    expect(open.size).toBe(0);
  });
});
