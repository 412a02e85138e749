// Replies to older bot messages are checked on the homeserver; any room member chooses the ids
// a reply points at, so what is fetched and remembered about them must stay bounded.
import { describe, expect, test } from "bun:test";
import type { MatrixClient } from "matrix-js-sdk";
import type { InboundMessage } from "../../runtime/contracts/channel.ts";
import { prepareEvent } from "./handle-event.ts";
import { RoomFacts } from "./room-facts.ts";

const BOT = "@molt:example.org";
const ROOM = "!r:example.org";

function setup() {
  const fetched: string[] = [];
  const client = {
    async fetchRoomEvent(_room: string, id: string) {
      fetched.push(id);
      if (id.startsWith("$bot")) return { event_id: id, sender: BOT };
      if (id.startsWith("$gone")) throw Object.assign(new Error("M_NOT_FOUND"), { errcode: "M_NOT_FOUND" });
      return { event_id: id, sender: "@bob:example.org" };
    },
    async getJoinedRoomMembers() {
      return { joined: { [BOT]: {}, "@ann:example.org": {}, "@bob:example.org": {} } };
    },
  } as unknown as MatrixClient;
  const got: InboundMessage[] = [];
  const deps = {
    client, facts: new RoomFacts(client), botUserId: BOT, log: () => {},
    messageHandlers: [(m: InboundMessage) => void got.push(m)], actionHandlers: [], noticeEncrypted: async () => {},
  };
  let n = 0;
  const reply = async (to: string, type = "m.room.message") => {
    const deliver = await prepareEvent(deps, {
      event_id: `$e${++n}`, room_id: ROOM, type, sender: "@ann:example.org", origin_server_ts: 1_700_000_000_000,
      content: { msgtype: "m.text", body: "and then?", "m.relates_to": { "m.in_reply_to": { event_id: to } } },
    });
    await deliver?.();
  };
  return { fetched, got, reply };
}

describe("learning who sent a replied-to event", () => {
  test("a reply to an older bot message is recognised, asking the server once", async () => {
    const { fetched, got, reply } = setup();
    await reply("$bot-old");
    await reply("$bot-old");
    expect(got.map((m) => m.replyToBot)).toEqual([true, true]);
    expect(fetched).toEqual(["$bot-old"]);
  });

  test("events found not to be the bot's are remembered, but only the newest 2000", async () => {
    const { fetched, got, reply } = setup();
    for (let i = 0; i <= 2000; i++) await reply(i % 2 ? `$other${i}` : `$gone${i}`);
    expect(fetched.length).toBe(2001);
    await reply("$gone2000"); // recent: remembered
    expect(fetched.length).toBe(2001);
    await reply("$gone0"); // the oldest made room: asked again
    expect(fetched.length).toBe(2002);
    expect(fetched.at(-1)).toBe("$gone0");
    expect(got.length).toBe(2003);
    expect(got.every((m) => m.replyToBot === false)).toBe(true);
  });

  test("ids no homeserver issues are not looked up; the message still arrives", async () => {
    const { fetched, got, reply } = setup();
    await reply(`$${"A".repeat(300)}`);
    await reply(`$bot${"A".repeat(252)}`); // 256 characters: over the spec's 255
    await reply("not-an-event-id");
    expect(fetched).toEqual([]);
    expect(got.map((m) => m.replyToBot)).toEqual([false, false, false]);
    await reply(`$bot${"A".repeat(251)}`); // exactly 255: a valid id
    expect(fetched.length).toBe(1);
    expect(got.at(-1)?.replyToBot).toBe(true);
  });

  test("only messages are looked up: other event types pointing at a reply are not", async () => {
    const { fetched, reply } = setup();
    await reply("$other1", "m.sticker");
    await reply("$other2", "org.example.anything");
    expect(fetched).toEqual([]);
  });
});
