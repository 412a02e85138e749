// Pending approvals outlive the socket that saw them: the real agent (runtime/agent) with the fake
// Ollama server asks for a confirmation; a reconnected client and a second client of the same user
// get the same approval.request, the first answer wins, and every socket of the user hears how it
// ended (approved, or expired before the failed tool result) so no stale card stays answerable.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import type { RunningGateway } from "../../runtime/gateway/server.ts";
import { startNoteStack, type NoteStack } from "./note-stack.ts";

const EXPIRES_MS = 1_500;
let stack: NoteStack;
let gw: RunningGateway;
let quick: RunningGateway;

beforeAll(async () => {
  stack = await startNoteStack("moltbot-gw-approvals-");
  gw = stack.gateway("slow", 60_000);
  quick = stack.gateway("quick", EXPIRES_MS);
});

afterAll(async () => {
  await stack?.stop();
});

interface Recorded {
  event: string;
  data: any;
}

/** A client listening from before its `connect` (as `moltbot chat` can), recording every event. */
async function client(url: string, name: string) {
  const events: Recorded[] = [];
  const waiters: { test: (e: Recorded) => boolean; resolve: (e: Recorded) => void }[] = [];
  const onEvent = (e: Recorded) => {
    events.push(e);
    for (const w of [...waiters]) if (w.test(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
  };
  const c = await GatewayClient.connect(url, { name, onEvent });
  const waitFor = (event: string, pred: (d: any) => boolean = () => true) =>
    new Promise<Recorded>((resolve) => {
      const hit = events.find((e) => e.event === event && pred(e.data));
      if (hit) return resolve(hit);
      waiters.push({ test: (e) => e.event === event && pred(e.data), resolve });
    });
  return { c, events, waitFor };
}

const auditEntries = () => readFileSync(join(stack.dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

describe("pending approvals across sockets", () => {
  test("a reconnected client and a second one of the same user get the approval; the first answer wins and both see it resolved", async () => {
    stack.fake.script([{ toolCalls: [{ name: "note_write", params: { text: "buy milk" } }] }, { text: "Saved it." }]);
    const first = await client(gw.url, "rita");
    const { turn } = await first.c.request("chat.send", { text: "remember to buy milk" });
    const live = (await first.waitFor("approval.request", (d) => d.turn === turn)).data;
    first.c.close();
    await first.c.closed;

    const back = await client(gw.url, "rita");
    const tab = await client(gw.url, "rita");
    const stranger = await client(gw.url, "eve");
    // The same frame a live client got, replayed right after connect.
    expect((await back.waitFor("approval.request", (d) => d.id === live.id)).data).toEqual(live);
    expect((await tab.waitFor("approval.request", (d) => d.id === live.id)).data).toEqual(live);
    expect(live).toMatchObject({ turn, tool: "note_write", params: { text: "buy milk" }, reason: expect.any(String), expiresAt: expect.any(String) });
    // Another user sees nothing and may not answer.
    expect(await stranger.c.request("status")).toMatchObject({ user: "webchat:eve" });
    expect(stranger.events.filter((e) => e.event === "approval.request")).toEqual([]);
    await expect(stranger.c.request("approval.resolve", { id: live.id, approve: true })).rejects.toMatchObject({ error: { code: "unauthorized" } });

    expect(await tab.c.request("approval.resolve", { id: live.id, approve: true })).toEqual({ id: live.id, answer: "approve" });
    const resolved = { id: live.id, turn, state: "approved", by: "webchat:rita" };
    expect((await back.waitFor("approval.resolved")).data).toEqual(resolved);
    expect((await tab.waitFor("approval.resolved")).data).toEqual(resolved);
    await expect(back.c.request("approval.resolve", { id: live.id, approve: false })).rejects.toMatchObject({ error: { code: "not_found" } });
    for (const x of [back, tab]) expect((await x.waitFor("chat.final", (d) => d.turn === turn)).data.text).toBe("Saved it.");
    expect(auditEntries().at(-1)).toMatchObject({ tool: "note_write", user_approved: true, result: "success" });

    // Settled: nothing is replayed any more.
    const later = await client(gw.url, "rita");
    await later.c.request("status");
    expect(later.events).toEqual([]);
    for (const x of [back, tab, stranger, later]) x.c.close();
  });

  test("an unanswered approval expires: every socket hears approval.resolved expired before the failed tool result", async () => {
    stack.fake.script([{ toolCalls: [{ name: "note_write", params: { text: "secret" } }] }, { text: "Done." }]);
    const one = await client(quick.url, "sam");
    const { turn } = await one.c.request("chat.send", { text: "save a secret" });
    const req = (await one.waitFor("approval.request", (d) => d.turn === turn)).data;
    const two = await client(quick.url, "sam");
    await two.waitFor("approval.request", (d) => d.id === req.id);
    for (const x of [one, two]) {
      await x.waitFor("chat.final", (d) => d.turn === turn);
      const mine = x.events.filter((e) => e.data.turn === turn && e.event !== "chat.delta").map((e) => e.event);
      expect(mine.slice(mine.indexOf("approval.resolved"))).toEqual(["approval.resolved", "tool.result", "chat.final"]);
      expect(x.events.find((e) => e.event === "approval.resolved")?.data).toEqual({ id: req.id, turn, state: "expired" });
      expect(x.events.find((e) => e.event === "tool.result")?.data).toMatchObject({ ok: false, tool: "note_write", summary: expect.stringContaining("confirmation_rejected") });
    }
    expect(auditEntries().at(-1)).toMatchObject({ tool: "note_write", user_approved: false, result: "rejected" });
    const later = await client(quick.url, "sam");
    await later.c.request("status");
    expect(later.events).toEqual([]);
    for (const x of [one, two, later]) x.c.close();
  }, 15_000);
});
