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

  test("the turn's next event settles its approval: how it ended is read from that event", () => {
    let now = 0;
    const open = new OpenApprovals(() => now);
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["tool.result", { ok: true, summary: "ok" }, 0, "approved"],
      ["tool.result", { ok: false, summary: "confirmation_rejected: running x was rejected" }, 0, "denied"],
      ["tool.result", { ok: false, summary: "confirmation_rejected: running x was rejected" }, 10_000, "expired"],
      ["tool.result", { ok: false, summary: "sandbox_error: boom" }, 0, "approved"],
      ["chat.error", { error: { code: "cancelled" } }, 0, "cancelled"],
      ["approval.request", request("b", "t", 99_000), 0, "approved"],
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
