// A cut text keeps no piece of a secret at the cut: redaction matches whole values only.
import { expect, test } from "bun:test";
import { dropCutSecretEnd, dropCutSecretEndBytes, dropCutSecretStart } from "./redact.ts";

const SECRETS = ["hunter2-password", "s3cr%C3%A9t", "s3crét"];

test("a text cut inside a secret loses the secret's first characters at its end, whatever the cut", () => {
  for (const s of SECRETS) {
    for (let k = 1; k < s.length; k++) expect(dropCutSecretEnd(`mail body: ${s.slice(0, k)}`, SECRETS)).toBe("mail body: ");
  }
  // Nothing that could begin a secret is left alone, and a whole one is for redaction to replace.
  expect(dropCutSecretEnd("ends with x", SECRETS)).toBe("ends with x");
  expect(dropCutSecretEnd("whole hunter2-password", SECRETS)).toBe("whole hunter2-password");
});

test("the kept end of a cut output loses a secret's last characters at its start", () => {
  for (let k = 1; k < SECRETS[0]!.length; k++) expect(dropCutSecretStart(`${SECRETS[0]!.slice(-k)} and on`, SECRETS)).toBe(" and on");
  expect(dropCutSecretStart("nothing here", SECRETS)).toBe("nothing here");
});

test("bytes: matched as the secret's UTF-8, the cut landing inside a multi-byte character too", () => {
  const body = new TextEncoder().encode("token=s3crét");
  for (let n = "token=".length + 1; n < body.length; n++) {
    expect(new TextDecoder().decode(dropCutSecretEndBytes(body.subarray(0, n), SECRETS))).toBe("token=");
  }
});
