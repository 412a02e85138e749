import { describe, expect, test } from "bun:test";
import { compareVersions } from "./version-order.ts";

describe("compareVersions", () => {
  test.each([
    ["1.0.0", "1.0.0", 0],
    ["1", "1.0.0", 0],
    ["1.2", "1.2.0", 0],
    ["1.0.0+build.5", "1.0.0", 0],
    ["1.10.0", "1.9.0", 1],
    ["0.0.0", "1.0.0", -1],
    ["2.0.0", "10.0.0", -1],
    ["1.0.0-beta", "1.0.0", -1],
    ["1.0.0-alpha", "1.0.0-beta", -1],
    ["1.0.0-beta.2", "1.0.0-beta.11", -1],
    ["1.0.0-1", "1.0.0-alpha", -1],
    ["1.0.0-beta", "1.0.0-beta.1", -1],
    ["99999999999999999999.0.0", "99999999999999999998.0.0", 1],
  ] as const)("%s vs %s → %d", (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
    expect(compareVersions(b, a)).toBe(-want === 0 ? 0 : (-want as -1 | 1));
  });

  test("a version of another shape orders only against itself", () => {
    expect(compareVersions("beta", "beta")).toBe(0);
    expect(compareVersions("beta", "1.0.0")).toBeUndefined();
    expect(compareVersions("spring", "summer")).toBeUndefined();
  });
});
