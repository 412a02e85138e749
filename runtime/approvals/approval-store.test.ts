import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson } from "../audit/index.ts";
import { ApprovalStore } from "./approval-store.ts";

const dirs: string[] = [];
function open(opts: ConstructorParameters<typeof ApprovalStore>[1] = {}): { a: ApprovalStore; db: string } {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-approvals-"));
  dirs.push(dir);
  const db = join(dir, "state.db");
  return { a: new ApprovalStore(db, opts), db };
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const req = { turn: "t1", session: "dm-x", user: "telegram:1", tool: "shell_execute", params: { cmd: "ls" }, reason: "policy", timeoutMs: 120_000 };

describe("approvals", () => {
  test("ids are 6 typeable characters and the request survives a reopen with its params", () => {
    const { a, db } = open();
    const r = a.create(req);
    expect(r.id).toMatch(/^[a-hj-km-np-z2-9]{6}$/);
    a.close();
    const again = new ApprovalStore(db);
    expect(again.get(r.id.toUpperCase())).toMatchObject({ tool: "shell_execute", params: { cmd: "ls" }, state: "pending", user: "telegram:1" });
    expect(again.pending("dm-x")).toHaveLength(1);
    again.close();
  });

  test("only the requester or an owner may answer; others get unauthorized", () => {
    const { a } = open();
    const r = a.create(req);
    const other = a.answer(r.id, "approve", ["telegram:2"]);
    expect(other.ok ? "ok" : other.error.code).toBe("unauthorized");
    expect(a.answer(r.id, "approve", ["telegram:1"])).toMatchObject({ ok: true, approval: { state: "approved", answeredBy: "telegram:1" } });
    const r2 = a.create(req);
    expect(a.answer(r2.id, "deny", ["cli:alice"])).toMatchObject({ ok: true, approval: { state: "denied" } });
  });

  test("configured owners replace the cli:* default", () => {
    const { a } = open({ owners: ["matrix:@boss:x"] });
    const r = a.create(req);
    expect(a.answer(r.id, "approve", ["cli:me"]).ok).toBe(false);
    expect(a.answer(r.id, "approve", ["matrix:@boss:x"]).ok).toBe(true);
  });

  test("a linked identity answers through its canonical name", () => {
    const { a } = open();
    const r = a.create(req);
    expect(a.answer(r.id, "approve", ["matrix:@me:x", "telegram:1"]).ok).toBe(true);
  });

  test("past its expiry an approval is expired whatever the answer, and cannot be answered twice", () => {
    let now = 1_000_000;
    const { a } = open({ now: () => now });
    const r = a.create(req);
    now += 120_000;
    const late = a.answer(r.id, "approve", ["telegram:1"]);
    expect(late.ok ? "ok" : late.error.message).toMatch(/expired/);
    expect(a.get(r.id)?.state).toBe("expired");
    const r2 = a.create(req);
    expect(a.answer(r2.id, "approve", ["telegram:1"]).ok).toBe(true);
    expect(a.answer(r2.id, "deny", ["telegram:1"]).ok).toBe(false);
    expect(a.get(r2.id)?.state).toBe("approved");
  });

  test("orphaned pending approvals (their turn is gone) expire", () => {
    const { a } = open();
    const r = a.create(req);
    expect(a.expireOrphans(() => false)).toBe(1);
    expect(a.get(r.id)?.state).toBe("expired");
  });

  test("remembered grants match user, tool and canonical params; session scope stays in its session", () => {
    const { a } = open();
    const confirm = (params: unknown) => ({ kind: "confirm" as const, params });
    a.remember("telegram:1", "shell_execute", confirm({ cmd: "ls", args: ["-l"] }), "always", "s1");
    expect(a.isRemembered("telegram:1", "shell_execute", confirm({ args: ["-l"], cmd: "ls" }), "s2", "always")).toBe(true);
    expect(a.isRemembered("telegram:1", "shell_execute", confirm({ cmd: "rm" }), "s1", "always")).toBe(false);
    expect(a.isRemembered("telegram:2", "shell_execute", confirm({ cmd: "ls", args: ["-l"] }), "s1", "always")).toBe(false);
    a.remember("telegram:1", "email_send", confirm({ to: "a@b" }), "session", "s1");
    expect(a.isRemembered("telegram:1", "email_send", confirm({ to: "a@b" }), "s1", "always")).toBe(true);
    expect(a.isRemembered("telegram:1", "email_send", confirm({ to: "a@b" }), "s2", "always")).toBe(false);
  });

  test("the policy's remember bounds what is read back: session reads only this session's grants", () => {
    const { a } = open();
    const key = { kind: "confirm" as const, params: { cmd: "git" } };
    a.remember("telegram:1", "shell_execute", key, "always", "s1");
    // Kept for good under a wider policy; a policy now saying `session` does not honour it.
    expect(a.isRemembered("telegram:1", "shell_execute", key, "s1", "always")).toBe(true);
    expect(a.isRemembered("telegram:1", "shell_execute", key, "s1", "session")).toBe(false);
    a.remember("telegram:1", "email_send", { kind: "confirm", params: { to: "a@b" } }, "session", "s1");
    expect(a.isRemembered("telegram:1", "email_send", { kind: "confirm", params: { to: "a@b" } }, "s1", "session")).toBe(true);
    expect(a.isRemembered("telegram:1", "email_send", { kind: "confirm", params: { to: "a@b" } }, "s2", "session")).toBe(false);
    expect(a.isRemembered("telegram:1", "email_send", { kind: "confirm", params: { to: "a@b" } }, "s2", "always")).toBe(false);
  });

  test("a confirmation and a permission prompt never answer each other, whatever the params hold", () => {
    const { a } = open();
    const perm = { kind: "run", value: "sh" };
    a.remember("telegram:1", "notes", { kind: "confirm", params: { permission: perm } }, "always", "s1");
    expect(a.isRemembered("telegram:1", "notes", { kind: "permission", permission: perm }, "s1", "always")).toBe(false);
    a.remember("telegram:1", "notes", { kind: "permission", permission: { kind: "read", value: "/etc" } }, "always", "s1");
    expect(a.isRemembered("telegram:1", "notes", { kind: "confirm", params: { permission: { kind: "read", value: "/etc" } } }, "s1", "always")).toBe(false);
    expect(a.isRemembered("telegram:1", "notes", { kind: "permission", permission: { kind: "read", value: "/etc" } }, "s2", "always")).toBe(true);
    // A params value shaped like the stored text of the other kind does not match it either.
    expect(a.isRemembered("telegram:1", "notes", { kind: "confirm", params: 'permission:{"kind":"read","value":"/etc"}' }, "s1", "always")).toBe(false);
    expect(a.grants.list("telegram:1").map((g) => g.kind)).toEqual(["confirm", "permission"]);
  });

  test("grants stored before the namespaces: confirmations keep their meaning, ambiguous ones are forgotten", () => {
    const { a, db } = open();
    a.close();
    const raw = new Database(db);
    const put = raw.query("INSERT INTO approval_memory (user, tool, pattern, scope, session, created) VALUES (?, ?, ?, 'always', '', 1)");
    put.run("telegram:1", "shell_execute", canonicalJson({ cmd: "ls" }));
    // Written by a permission prompt or by a confirmation of these exact params: cannot be told apart.
    put.run("telegram:1", "notes", canonicalJson({ permission: { kind: "run", value: "sh" } }));
    put.run("telegram:1", "notes", canonicalJson({ permission: { kind: "run" }, other: 1 }));
    raw.close();
    const again = new ApprovalStore(db);
    expect(again.isRemembered("telegram:1", "shell_execute", { kind: "confirm", params: { cmd: "ls" } }, "s1", "always")).toBe(true);
    expect(again.isRemembered("telegram:1", "notes", { kind: "permission", permission: { kind: "run", value: "sh" } }, "s1", "always")).toBe(false);
    expect(again.isRemembered("telegram:1", "notes", { kind: "confirm", params: { permission: { kind: "run", value: "sh" } } }, "s1", "always")).toBe(false);
    expect(again.isRemembered("telegram:1", "notes", { kind: "confirm", params: { other: 1, permission: { kind: "run" } } }, "s1", "always")).toBe(true);
    expect(again.grants.list().map((g) => g.pattern).sort()).toEqual(['{"cmd":"ls"}', '{"other":1,"permission":{"kind":"run"}}']);
    again.close();
    // Opening again changes nothing more.
    const third = new ApprovalStore(db);
    expect(third.grants.list()).toHaveLength(2);
    third.close();
  });

  test("an unknown kind of key is never remembered (fail closed)", () => {
    const { a } = open();
    expect(() => a.remember("telegram:1", "x", { cmd: "ls" } as never, "always", "s1")).toThrow();
    expect(a.isRemembered("telegram:1", "x", { cmd: "ls" } as never, "s1", "always")).toBe(false);
  });
});
