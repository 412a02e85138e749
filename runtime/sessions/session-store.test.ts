import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MoltFailure } from "../contracts/errors.ts";
import { configSchema } from "../config/schema.ts";
import { IDENTITY_FORMATS, identityProblem, SessionStore } from "./session-store.ts";

const dirs: string[] = [];
function store(now?: () => number): { s: SessionStore; db: string } {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-sessions-"));
  dirs.push(dir);
  const db = join(dir, "state.db");
  return { s: new SessionStore(db, { now }), db };
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const dm = (channel: string, id: string) => ({ channel, chatId: id, user: `${channel}:${id}`, isGroup: false });

describe("sessions", () => {
  test("a DM session per person, a group session per chat, ids safe as file names", () => {
    const { s } = store();
    const a = s.sessionFor(dm("telegram", "123"));
    expect(s.sessionFor(dm("telegram", "123"))).toBe(a);
    expect(s.sessionFor(dm("telegram", "456"))).not.toBe(a);
    const g1 = s.sessionFor({ channel: "telegram", chatId: "-100", user: "telegram:123", isGroup: true });
    const g2 = s.sessionFor({ channel: "telegram", chatId: "-100", user: "telegram:456", isGroup: true });
    expect(g1).toBe(g2);
    expect(g1).not.toBe(a);
    for (const id of [a, g1, s.sessionFor(dm("matrix", "@me:example.org"))]) expect(id).toMatch(/^[a-z0-9.-]+$/);
  });

  test("identities that slug alike still get different sessions", () => {
    const { s } = store();
    expect(s.sessionFor(dm("x", "a:b"))).not.toBe(s.sessionFor(dm("x", "a-b")));
  });

  test("identity link: both channel users share one session and one canonical user, surviving a reopen", () => {
    const { s, db } = store();
    const tg = s.sessionFor(dm("telegram", "123"));
    expect(s.link("telegram:123", "matrix:@me:example.org")).toEqual({ canonical: "telegram:123" });
    expect(s.canonicalUser("matrix:@me:example.org")).toBe("telegram:123");
    expect(s.sessionFor(dm("matrix", "@me:example.org"))).toBe(tg);
    s.close();
    const again = new SessionStore(db);
    expect(again.sessionFor(dm("matrix", "@me:example.org"))).toBe(tg);
    again.close();
  });

  test("links are transitive whichever side is already linked", () => {
    const { s } = store();
    s.link("telegram:1", "matrix:@a:x");
    s.link("signal:+1555", "telegram:1");
    for (const u of ["telegram:1", "matrix:@a:x", "signal:+1555"]) expect(s.canonicalUser(u)).toBe("signal:+1555");
    expect(s.links()).toHaveLength(2);
  });

  test("malformed identities and self-links are invalid input", () => {
    const { s } = store();
    expect(() => s.link("123", "matrix:@a:x")).toThrow(/not <channel>:<user id>/);
    expect(() => s.link("telegram:1", "telegram:1")).toThrow(MoltFailure);
  });

  test("a misspelled channel is refused (nothing stored), naming the known ones and the likely one", () => {
    const { s } = store();
    let err: unknown;
    try { s.link("telgram:43", "matrix:@nobody:x"); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MoltFailure);
    const { error } = err as MoltFailure;
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe("identity link: the first identity 'telgram:43' names an unknown channel 'telgram' — did you mean telegram?");
    expect(error.hint).toBe("known channels: telegram, matrix, signal, whatsapp, webchat");
    expect(() => s.link("telegram:43", "matirx:@nobody:x")).toThrow(/second identity 'matirx:@nobody:x' names an unknown channel 'matirx' — did you mean matrix\?/);
    expect(() => s.link("telegram:43", "irc:nobody")).toThrow(/unknown channel 'irc'$/);
    expect(s.links()).toEqual([]);
  });

  test.each([
    ["telegram:123456789", null],
    ["telegram:@ann", "is not a telegram identity: expected a numeric user id"],
    ["telegram:0", "is not a telegram identity"],
    ["matrix:@me:example.org", null],
    ["matrix:@me:localhost:8448", null],
    ["matrix:me:example.org", "is not a matrix identity: expected a Matrix id @user:server"],
    ["matrix:@me", "is not a matrix identity"],
    ["signal:+15550001111", null],
    ["signal:+1555", null],
    ["signal:0b7a4a40-8c3e-4c56-9b3e-1f2d3c4b5a69", null],
    ["signal:15550001111", "is not a signal identity: expected a phone number in +E.164 form or an account uuid"],
    ["whatsapp:15550001111", null],
    ["whatsapp:88000000000001", null],
    ["whatsapp:+15550001111", "is not a whatsapp identity: expected the phone number in digits, without '+'"],
    ["whatsapp:15550001111@s.whatsapp.net", "is not a whatsapp identity"],
    ["webchat:ann", null],
    ["webchat:ann smith", "is not a webchat identity"],
    ["123", "is not <channel>:<user id>"],
  ])("identity %s", (id, problem) => {
    const got = identityProblem(id);
    if (problem === null) expect(got).toBeNull();
    else expect(got?.problem).toStartWith(problem);
  });

  test("the linkable channels are config.yaml's channels plus webchat", () => {
    const configured = Object.keys(configSchema.shape.channels.unwrap().shape);
    expect(Object.keys(IDENTITY_FORMATS).sort()).toEqual([...configured, "webchat"].sort());
  });

  test("state.db is created with mode 0600", () => {
    const { db } = store();
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });
});

describe("pairing", () => {
  test("codes are 8 upper-case letters/digits; asking again within the hour gives the same code", () => {
    const { s } = store();
    const first = s.pairingRequest("telegram", "999");
    expect(first.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(s.pairingRequest("telegram", "999").code).toBe(first.code);
    expect(s.pairingRequest("telegram", "888").code).not.toBe(first.code);
  });

  test("approval admits that sender on that channel only, immediately", () => {
    const { s, db } = store();
    const cfg = { dm: "pairing" as const, allow: [] };
    const { code } = s.pairingRequest("telegram", "999");
    expect(s.isAdmitted("telegram", "999", cfg)).toBe(false);
    // Another process (the CLI) approves; this store sees it on its next check.
    const cli = new SessionStore(db);
    expect(cli.approvePairing("telegram", code.toLowerCase())).toEqual({ userId: "999" });
    cli.close();
    expect(s.isAdmitted("telegram", "999", cfg)).toBe(true);
    expect(s.isAdmitted("matrix", "999", cfg)).toBe(false);
    expect(s.isAdmitted("telegram", "998", cfg)).toBe(false);
    expect(s.listPairing()).toMatchObject([{ channel: "telegram", userId: "999", state: "approved" }]);
  });

  test("a code expires after one hour and is then unknown; a new request gets a new code", () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const { s } = store(() => now);
    const { code, expiresAt } = s.pairingRequest("telegram", "999");
    expect(Date.parse(expiresAt) - now).toBe(3600_000);
    now += 3600_000;
    expect(() => s.approvePairing("telegram", code)).toThrow(/expired/);
    expect(s.listPairing()).toEqual([]);
    expect(s.pairingRequest("telegram", "999").code).not.toBe(code);
  });

  test("unknown, malformed, or wrong-channel codes are refused with not_found / invalid_input", () => {
    const { s } = store();
    const { code } = s.pairingRequest("telegram", "999");
    const codeOf = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as MoltFailure).error.code; } return "ok"; };
    expect(codeOf(() => s.approvePairing("matrix", code))).toBe("not_found");
    expect(codeOf(() => s.approvePairing("telegram", "ZZZZZZZZ"))).toBe("not_found");
    expect(codeOf(() => s.approvePairing("telegram", "abc"))).toBe("invalid_input");
  });

  test("allowlist admits only allow entries; open admits everyone", () => {
    const { s } = store();
    const { code } = s.pairingRequest("telegram", "999");
    s.approvePairing("telegram", code);
    expect(s.isAdmitted("telegram", "999", { dm: "allowlist", allow: ["111"] })).toBe(false);
    expect(s.isAdmitted("telegram", "111", { dm: "allowlist", allow: ["111"] })).toBe(true);
    expect(s.isAdmitted("telegram", "111", { dm: "pairing", allow: ["111"] })).toBe(true);
    expect(s.isAdmitted("telegram", "anyone", { dm: "open", allow: [] })).toBe(true);
  });
});
