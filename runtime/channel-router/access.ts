// Who may reach the agent (DESIGN §8). Unknown DM senders under `dm: pairing` get a code and
// their message is dropped (never replayed after approval); `allowlist` ignores others
// silently; `open` admits everyone. In groups only admitted senders count, and only when the
// bot is mentioned or replied to — a group never sees a pairing code.
import type { InboundMessage } from "../contracts/channel.ts";
import type { AdmissionConfig, DmPolicy, SessionStore } from "../sessions/index.ts";

export type Admission =
  | { kind: "admit" }
  | { kind: "ignore"; why: "not_admitted" | "not_addressed" }
  | { kind: "pair"; code: string; expiresAt: string };

const POLICIES: DmPolicy[] = ["pairing", "allowlist", "open"];

/** The channel's `dm` and `allow` from its config block; anything unexpected fails closed. */
export function admissionConfig(config: Record<string, unknown>): AdmissionConfig {
  const dm = POLICIES.includes(config.dm as DmPolicy) ? (config.dm as DmPolicy) : config.dm === undefined ? "pairing" : "allowlist";
  const allow = Array.isArray(config.allow) ? config.allow.filter((a): a is string => typeof a === "string").map(String) : [];
  return { dm, allow };
}

export function admit(sessions: SessionStore, msg: InboundMessage, cfg: AdmissionConfig): Admission {
  const admitted = sessions.isAdmitted(msg.channel, msg.userId, cfg);
  if (msg.isGroup) {
    if (!admitted) return { kind: "ignore", why: "not_admitted" };
    return msg.mentioned || msg.replyToBot ? { kind: "admit" } : { kind: "ignore", why: "not_addressed" };
  }
  if (admitted) return { kind: "admit" };
  if (cfg.dm !== "pairing") return { kind: "ignore", why: "not_admitted" };
  try {
    return { kind: "pair", ...sessions.pairingRequest(msg.channel, msg.userId) };
  } catch {
    // Approved between the two reads (another process ran `pairing approve`).
    return sessions.isAdmitted(msg.channel, msg.userId, cfg) ? { kind: "admit" } : { kind: "ignore", why: "not_admitted" };
  }
}

export function pairingText(channel: string, code: string): string {
  return [
    `Hi! I don't know you yet. Your pairing code is ${code} (valid for 1 hour).`,
    `Ask the owner of this assistant to approve it with: moltbot pairing approve ${channel} ${code}`,
    "Then write again — this message was not passed on.",
  ].join("\n");
}
