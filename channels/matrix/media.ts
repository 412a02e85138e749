// Media in and out. Downloads use the authenticated endpoint (/_matrix/client/v1/media, spec
// v1.11) with the bot's token in a header — never in the URL, where it could end up in logs.
import type { MatrixClient } from "matrix-js-sdk";
import type { Attachment } from "../../runtime/contracts/channel.ts";
import { readBodyAtMost } from "../../runtime/contracts/read-body.ts";

const MAX_BYTES = 20 * 1024 * 1024;

export async function downloadMedia(client: MatrixClient, mxc: string): Promise<Uint8Array> {
  const m = mxc.match(/^mxc:\/\/([^/]+)\/([\w-]+)$/);
  if (!m) throw new Error("not an mxc:// url");
  const url = `${client.baseUrl}/_matrix/client/v1/media/download/${encodeURIComponent(m[1]!)}/${encodeURIComponent(m[2]!)}`;
  let res = await fetch(url, { headers: { authorization: `Bearer ${client.getAccessToken() ?? ""}` } });
  // Servers older than v1.11 only have the unauthenticated endpoint.
  if (res.status === 404 || res.status === 400) res = await fetch(url.replace("/_matrix/client/v1/media/", "/_matrix/media/v3/"), { headers: { authorization: `Bearer ${client.getAccessToken() ?? ""}` } });
  if (!res.ok) throw new Error(`media download failed with HTTP ${res.status}`);
  const size = Number(res.headers.get("content-length") ?? 0);
  if (size > MAX_BYTES) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`media is ${size} bytes, more than ${MAX_BYTES}`);
  }
  // Counted as it streams: a body sent without a length is cut off at the cap, not held whole.
  const bytes = await readBodyAtMost(res, MAX_BYTES);
  if (bytes === null) throw new Error(`media is more than ${MAX_BYTES} bytes`);
  return bytes;
}

export async function attachmentBytes(a: Attachment): Promise<Uint8Array> {
  if (a.data) return a.data;
  if (a.path) return new Uint8Array(await Bun.file(a.path).arrayBuffer());
  throw new Error("attachment has neither data nor path");
}

/** Uploads one image and returns the m.image content that shows it. */
export async function imageContent(client: MatrixClient, a: Attachment): Promise<Record<string, unknown>> {
  const bytes = await attachmentBytes(a);
  const name = a.name ?? `image.${a.mime.split("/")[1] ?? "png"}`;
  const up = await client.uploadContent(new Blob([bytes], { type: a.mime }), { name, type: a.mime, includeFilename: true });
  const msgtype = a.kind === "image" ? "m.image" : a.kind === "audio" ? "m.audio" : a.kind === "video" ? "m.video" : "m.file";
  return { msgtype, body: name, url: up.content_uri, info: { mimetype: a.mime, size: bytes.length } };
}
