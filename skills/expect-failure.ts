// Test support: runs a load and returns the MoltError it failed with.
import { expect } from "bun:test";
import { MoltFailure, type MoltError } from "../runtime/contracts/errors.ts";

export async function failureOf(p: Promise<unknown>): Promise<MoltError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MoltFailure);
    return (err as MoltFailure).error;
  }
  throw new Error("expected the load to fail, but it succeeded");
}
