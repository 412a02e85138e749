// `moltbot pairing` and `moltbot identity` as a user runs them, against the state.db a running
// gateway shares (opened here through SessionStore, as the gateway does).
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SessionStore } from "../../runtime/sessions/index.ts";
import { Sandbox } from "../helpers/cli.ts";

let box: Sandbox;
afterEach(() => box?.cleanup());

describe("moltbot pairing", () => {
  test("list shows the pending code; approve admits that sender at once; the code is then used up", async () => {
    box = new Sandbox();
    await box.run(["pairing", "list"]); // creates the home
    const gateway = new SessionStore(join(box.home, "state.db"));
    const { code } = gateway.pairingRequest("telegram", "4242");
    const list = await box.run(["pairing", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`telegram  4242  code ${code}`);
    const approved = await box.run(["pairing", "approve", "telegram", code]);
    expect(approved).toMatchObject({ code: 0, stdout: "admitted 4242 on telegram\n" });
    expect(gateway.isAdmitted("telegram", "4242", { dm: "pairing", allow: [] })).toBe(true);
    const again = await box.run(["pairing", "approve", "telegram", code, "--json"]);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: false, error: { code: "not_found" } });
    gateway.close();
  });

  test("an unknown code exits 2 with a one-line message and a hint", async () => {
    box = new Sandbox();
    const r = await box.run(["pairing", "approve", "telegram", "ABCD2345"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: no pending pairing code ABCD2345 on telegram\nhint: run 'moltbot pairing list' to see pending codes\n");
  });

  test("usage errors exit 2", async () => {
    box = new Sandbox();
    expect((await box.run(["pairing", "approve", "telegram"])).code).toBe(2);
    expect((await box.run(["pairing", "frobnicate"])).code).toBe(2);
  });
});

describe("moltbot identity", () => {
  test("link makes two channel users one person (same session); list shows it", async () => {
    box = new Sandbox();
    const r = await box.run(["identity", "link", "telegram:123", "matrix:@me:example.org"]);
    expect(r).toMatchObject({ code: 0, stdout: "linked telegram:123 and matrix:@me:example.org: both are now telegram:123\n" });
    const list = await box.run(["identity", "list", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual({ ok: true, output: [{ user: "matrix:@me:example.org", canonical: "telegram:123" }] });
    const s = new SessionStore(join(box.home, "state.db"));
    const key = (channel: string, user: string) => ({ channel, chatId: user, user, isGroup: false });
    expect(s.sessionFor(key("matrix", "matrix:@me:example.org"))).toBe(s.sessionFor(key("telegram", "telegram:123")));
    s.close();
  });

  test("a malformed identity exits 2 naming it", async () => {
    box = new Sandbox();
    const r = await box.run(["identity", "link", "123", "matrix:@me:x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'123' is not <channel>:<user id>");
  });
});
