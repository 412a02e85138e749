import { describe, expect, test } from "bun:test";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.ts";

const nested = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("nestsDeeperThan", () => {
  test("counts arrays and objects together, up to and past the limit", () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(nestsDeeperThan('[[1],[2],[3]]', 2)).toBe(false);
  });

  test("brackets inside strings, escaped quotes included, do not count", () => {
    expect(nestsDeeperThan(JSON.stringify({ s: "[[[[{{{{" }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify(["a\"[[[[\\", "]]"]), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify(["\\\"", ["x"]]), 1)).toBe(true);
  });
});
