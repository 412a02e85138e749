// findByUid against canned CalDAV answers: a server's text-match is a substring match, so the
// skill itself must pick the object whose UID is exactly the one asked for. (radicale refuses a
// second object with the same UID, so the duplicate case cannot be produced there.)
import { afterAll, expect, test } from "bun:test";
// @ts-expect-error the skill is plain JavaScript (it runs in QuickJS), without type declarations
import { findByUid } from "./caldav.js";

const object = (href: string, uid: string) =>
  `<D:response><D:href>${href}</D:href><D:propstat><D:prop><D:getetag>"${href}"</D:getetag><C:calendar-data>BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n</C:calendar-data></D:prop></D:propstat></D:response>`;

// A local CalDAV server over a real socket, answering every REPORT with the objects `server`
// set; the request bodies are kept.
let answer: string[] = [];
let bodies: string[] = [];
const dav = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    bodies.push(await req.text());
    return new Response(`<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${answer.join("")}</D:multistatus>`, { status: 207 });
  },
});
afterAll(() => dav.stop(true));

function server(...objects: string[]) {
  answer = objects;
  bodies = [];
  return bodies;
}

const ORIGIN = `http://127.0.0.1:${dav.port}`;
const URL = `${ORIGIN}/alice/work/`;

test("of the objects a substring match returns, only the exact uid counts", async () => {
  const bodies = server(object("/alice/work/kids.ics", "kids-weekend@google.com"), object("/alice/work/g.ics", "google"), object("/alice/work/G2.ics", "GOOGLE"));
  expect(await findByUid(URL, "google")).toMatchObject({ href: `${ORIGIN}/alice/work/g.ics` });
  expect(bodies[0]).toContain('<C:prop-filter name="UID"><C:text-match collation="i;octet">google</C:text-match>');
});

test("no exact match is null, never the first substring match", async () => {
  server(object("/alice/work/kids.ics", "kids-weekend@google.com"), object("/alice/work/fri13.ics", "fri13"));
  expect(await findByUid(URL, "google")).toBeNull();
  expect(await findByUid(URL, "fri")).toBeNull();
});

test("an escaped UID is compared as calendar_read shows it", async () => {
  server(object("/alice/work/a.ics", "a\\,b"));
  expect(await findByUid(URL, "a,b")).toMatchObject({ href: `${ORIGIN}/alice/work/a.ics` });
});

test("two objects with the same uid are refused, naming both", async () => {
  server(object("/alice/work/one.ics", "dup@x"), object("/alice/work/two.ics", "dup@x"));
  await expect(findByUid(URL, "dup@x")).rejects.toThrow(`2 calendar objects on the server hold an event with uid "dup@x" (${ORIGIN}/alice/work/one.ics, ${ORIGIN}/alice/work/two.ics); refusing to choose one`);
});
