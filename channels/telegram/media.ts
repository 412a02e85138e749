// Inbound photos: getFile for the path, then the file itself from `<api_root>/file/bot<token>/<path>`
// (the token is in that URL too: errors from here go through safeMessage before anyone sees them).
import type { Api } from "grammy";
import { gsig } from "./retry.ts";
import type { Attachment } from "../../runtime/contracts/channel.ts";

/** The Bot API serves files up to 20 MB to bots. */
export const MAX_DOWNLOAD = 20 * 1024 * 1024;

const MIME: Record<string, string> = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif" };

export async function downloadPhoto(api: Api, apiRoot: string, token: string, fileId: string, signal?: AbortSignal): Promise<Attachment> {
  const file = await api.getFile(fileId, signal && gsig(signal));
  if (!file.file_path) throw new Error("getFile returned no file_path (file too big to download?)");
  if ((file.file_size ?? 0) > MAX_DOWNLOAD) throw new Error(`photo is larger than ${MAX_DOWNLOAD} bytes`);
  const res = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, signal ? { signal } : {});
  if (!res.ok) throw new Error(`file download failed with HTTP ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  if (data.length > MAX_DOWNLOAD) throw new Error(`photo is larger than ${MAX_DOWNLOAD} bytes`);
  const name = file.file_path.split("/").pop() || "photo.jpg";
  const ext = name.includes(".") ? (name.split(".").pop() as string).toLowerCase() : "jpg";
  // Telegram re-encodes photos as JPEG; the extension is only a hint for anything else.
  return { kind: "image", mime: MIME[ext] ?? "image/jpeg", name, data };
}
