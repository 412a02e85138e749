// Pairing codes (DESIGN §8): 8 characters, upper-case letters and digits, from crypto randomness.
// Rejection sampling keeps every character equally likely (256 is not a multiple of 36).
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const PAIRING_CODE = /^[A-Z0-9]{8}$/;
export const PAIRING_TTL_MS = 60 * 60 * 1000;

export function randomCode(length = 8, alphabet = ALPHABET): string {
  let out = "";
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
