// Builds a /sync body for one user from the fake's event stream, the way a homeserver would:
// joined rooms carry the timeline since the token (plus the room's state when newly joined),
// pending invites carry stripped invite_state.
import type { FakeEvent, HomeserverState } from "./homeserver-state.ts";

function wire(state: HomeserverState, e: FakeEvent): Record<string, unknown> {
  const raw = state.raw.get(e.pos);
  if (raw) return raw;
  const { pos: _pos, ...rest } = e;
  return rest;
}

export function syncBody(state: HomeserverState, userId: string, since: number): Record<string, unknown> {
  const join: Record<string, unknown> = {};
  const invite: Record<string, unknown> = {};
  for (const room of state.rooms.values()) {
    const membership = room.members.get(userId);
    const events = state.events.filter((e) => e.room_id === room.id);
    const myLast = [...events].reverse().find((e) => e.type === "m.room.member" && e.state_key === userId);
    if (membership === "join") {
      const timeline = events.filter((e) => e.pos > since);
      const newlyJoined = since === 0 || (myLast !== undefined && myLast.pos > since);
      if (timeline.length === 0 && !newlyJoined) continue;
      const stateEvents = newlyJoined ? latestState(events.filter((e) => e.pos <= since && e.state_key !== undefined)) : [];
      join[room.id] = {
        timeline: { events: timeline.map((e) => wire(state, e)), limited: false, prev_batch: `p${since}` },
        state: { events: stateEvents.map((e) => wire(state, e)) },
        ephemeral: { events: [] },
        account_data: { events: [] },
        summary: { "m.joined_member_count": state.joined(room.id).length },
        unread_notifications: {},
      };
    } else if (membership === "invite" && myLast && myLast.pos > since) {
      const stripped = latestState(events.filter((e) => e.state_key !== undefined)).map((e) => ({ type: e.type, sender: e.sender, state_key: e.state_key, content: e.content }));
      invite[room.id] = { invite_state: { events: stripped } };
    }
  }
  return {
    next_batch: `s${state.pos}`,
    rooms: { join, invite, leave: {} },
    presence: { events: [] },
    account_data: { events: [] },
    to_device: { events: [] },
    device_lists: { changed: [], left: [] },
    device_one_time_keys_count: {},
  };
}

function latestState(events: FakeEvent[]): FakeEvent[] {
  const byKey = new Map<string, FakeEvent>();
  for (const e of events) byKey.set(`${e.type}\u0000${e.state_key}`, e);
  return [...byKey.values()];
}

export function parseSince(since: string | null): number {
  if (!since) return 0;
  const n = Number(since.replace(/^s/, ""));
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
