// CalDAV (RFC 4791) over the sandbox's plain fetch: REPORT calendar-query for a time range or
// a UID, GET, PUT and DELETE with ETags. Authentication is added by the host from the user's
// `caldav` credential (Authorization: Basic …); the skill never sees it.
import { children, parseICal, uidOf } from "./ical.js";

const XML = { "content-type": "application/xml; charset=utf-8", depth: "1" };

export function calendarUrl(given) {
  let url = given;
  if (!url) {
    try {
      url = env.get("MOLTBOT_CALDAV_URL");
    } catch {
      url = undefined;
    }
  }
  if (!url) throw new Error("no calendar given: pass calendar_url, or set MOLTBOT_CALDAV_URL (and grant it under allow.env)");
  if (!/^https?:\/\//.test(url)) throw new Error("calendar_url must be an http(s) URL of a calendar collection");
  return url.endsWith("/") ? url : url + "/";
}

const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

/** Calendar objects with at least one VEVENT overlapping [from, to), as {href, etag, data}. */
export function queryRange(url, from, to) {
  return report(url, `<C:comp-filter name="VEVENT"><C:time-range start="${stamp(from)}" end="${stamp(to)}"/></C:comp-filter>`);
}

/**
 * The calendar object holding the event with exactly this UID, or null. A CalDAV text-match is a
 * substring match (RFC 4791 §9.7.5 has no "equals"; radicale also ignores the collation and case),
 * so the server only narrows the search and each answer's own UIDs decide. Two objects with the
 * same UID are refused rather than guessed between.
 */
export async function findByUid(url, uid) {
  const found = await report(url, `<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">${xmlEscape(uid)}</C:text-match></C:prop-filter></C:comp-filter>`);
  const exact = found.filter((o) => {
    const vcal = children(parseICal(o.data), "VCALENDAR")[0];
    return vcal !== undefined && children(vcal, "VEVENT").some((e) => uidOf(e) === uid);
  });
  if (exact.length > 1) {
    throw new Error(`${exact.length} calendar objects on the server hold an event with uid "${String(uid).slice(0, 100)}" (${exact.map((o) => o.href).join(", ")}); refusing to choose one — remove the duplicate in a calendar app`);
  }
  return exact[0] ?? null;
}

async function report(url, filter) {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/><C:calendar-data/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR">${filter}</C:comp-filter></C:filter>
</C:calendar-query>`;
  const res = await fetch(url, { method: "REPORT", headers: XML, body });
  if (res.status !== 207) throw new Error(`the calendar server answered ${res.status} to REPORT${res.status === 401 ? " (check the caldav credential in config.yaml)" : ""}`);
  return parseMultistatus(await res.text(), url);
}

export function parseMultistatus(xml, base) {
  const out = [];
  const tag = (name) => new RegExp(`<(?:[A-Za-z0-9_-]+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:[A-Za-z0-9_-]+:)?${name}>`);
  for (const m of xml.matchAll(/<(?:[A-Za-z0-9_-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[A-Za-z0-9_-]+:)?response>/g)) {
    const block = m[1];
    const href = tag("href").exec(block)?.[1]?.trim();
    const data = tag("calendar-data").exec(block)?.[1];
    if (!href || data === undefined) continue;
    out.push({ href: absolute(xmlUnescape(href), base), etag: xmlUnescape(tag("getetag").exec(block)?.[1]?.trim() ?? ""), data: xmlUnescape(data) });
  }
  return out;
}

function absolute(href, base) {
  if (/^https?:\/\//.test(href)) return href;
  const origin = /^(https?:\/\/[^/]+)/.exec(base)[1];
  return origin + (href.startsWith("/") ? href : "/" + href);
}

export async function put(href, ics, etag) {
  const headers = { "content-type": "text/calendar; charset=utf-8" };
  if (etag) headers["if-match"] = etag;
  else headers["if-none-match"] = "*";
  const res = await fetch(href, { method: "PUT", headers, body: ics });
  if (res.status === 412) throw new Error("the event changed on the server meanwhile; read it again and retry");
  if (res.status < 200 || res.status > 299) throw new Error(`the calendar server answered ${res.status} to PUT`);
  return res.headers.get("etag");
}

export async function remove(href, etag) {
  const res = await fetch(href, { method: "DELETE", headers: etag ? { "if-match": etag } : {} });
  if (res.status === 412) throw new Error("the event changed on the server meanwhile; read it again and retry");
  if (res.status < 200 || res.status > 299) throw new Error(`the calendar server answered ${res.status} to DELETE`);
}

const ENT = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
export function xmlUnescape(s) {
  return String(s).replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1").replace(/&(#x?[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g, (_, e) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENT[e]);
}
const xmlEscape = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
