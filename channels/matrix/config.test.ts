import { describe, expect, test } from "bun:test";
import { MoltFailure } from "../../runtime/contracts/errors.ts";
import { acceptInvite, parseConfig } from "./config.ts";

const base = { homeserver: "https://matrix.example.org", user_id: "@bot:example.org" };

describe("parseConfig", () => {
  test("defaults dm to pairing and allow to empty", () => {
    expect(parseConfig({ ...base, access_token: "syt_secret" })).toEqual({ ...base, access_token: "syt_secret", dm: "pairing", allow: [] });
  });

  test("needs a token or a password, and says which field", () => {
    expect(() => parseConfig(base)).toThrow("channels.matrix: needs access_token or password");
  });

  test("a bad field is named, its value (maybe a secret) never echoed", () => {
    try {
      parseConfig({ ...base, user_id: "syt_this_is_a_token", access_token: "x" });
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(MoltFailure);
      expect((e as MoltFailure).error.code).toBe("invalid_config");
      expect((e as MoltFailure).message).toContain("channels.matrix.user_id");
      expect((e as MoltFailure).message).not.toContain("syt_this_is_a_token");
    }
  });
});

describe("acceptInvite (DESIGN §8)", () => {
  test.each([
    ["pairing", [], true, true],
    ["open", [], true, true],
    ["allowlist", [], true, false],
    ["allowlist", ["@ann:example.org"], true, true],
    ["allowlist", ["matrix:@ann:example.org"], false, true],
    ["pairing", [], false, false],
    ["pairing", ["@ann:example.org"], false, true],
    ["open", [], false, true],
  ] as const)("dm=%s allow=%j direct=%s → %s", (dm, allow, isDirect, expected) => {
    expect(acceptInvite({ dm, allow: [...allow] }, "@ann:example.org", isDirect)).toBe(expected);
  });
});
