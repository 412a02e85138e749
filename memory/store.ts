// Markdown memory (DESIGN §10): profiles, daily notes, session transcripts and free notes under
// one root, each written atomically under its file's lock, with a full-text index kept in step.
import { mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fail } from "../runtime/contracts/errors.ts";
import { appendToFile, readTail, readText, removeOrphanTemps, updateFile, writeFileAtomic } from "./atomic-file.ts";
import { withFileLock } from "./file-lock.ts";
import { appendNote, newDaily } from "./daily-format.ts";
import { KINDS, layout } from "./paths.ts";
import { addFactTo, cleanFact, cleanSection, newProfile, sectionIn } from "./profile-format.ts";
import { SearchIndex, type SearchHit } from "./search-index.ts";
import { appendEntry, newTranscript, parseTranscript, ROLES, type Role } from "./transcript-format.ts";

/**
 * A transcript only grows: a chat's session lasts as long as the chat. Past this size an
 * addition is not re-indexed at once (the next search re-reads the file, seeing its new stamp),
 * and reading the newest messages reads the end of the file only, so a turn's cost does not
 * grow with the session's whole history (16 MB: 460 ms an addition before).
 */
const LARGE_TRANSCRIPT_BYTES = 256 * 1024;

export type { SearchHit } from "./search-index.ts";

export interface TranscriptInput {
  role: Role;
  text: string;
  at?: Date;
  user?: string;
}

export type WriteRequest =
  | { kind: "profile"; user: string; text: string; section?: string }
  | { kind: "daily"; text: string; date?: Date }
  | { kind: "note"; name: string; text: string };

export class MemoryStore {
  readonly root: string;
  private readonly paths: ReturnType<typeof layout>;
  private readonly index: SearchIndex;

  constructor(root: string, opts: { indexPath?: string } = {}) {
    // Absolute, so the per-file lock queue sees one key per file whatever the caller passed.
    this.root = resolve(root);
    this.paths = layout(this.root);
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    for (const kind of KINDS) removeOrphanTemps(join(this.root, kind));
    this.index = new SearchIndex(this.root, opts.indexPath ?? join(this.root, ".index.db"));
    this.index.sync();
  }

  async readProfile(user: string): Promise<string | null> {
    return readText(this.paths.profile(user));
  }

  /**
   * Adds a bullet under section (default "Facts"); a fact already there is not repeated. Returns
   * the fact and the section as written: one line, and an existing heading's own spelling.
   */
  async addFact(user: string, fact: string, section?: string): Promise<{ fact: string; section: string }> {
    const clean = cleanFact(fact);
    let name = cleanSection(section);
    await this.update(this.paths.profile(user), (cur) => {
      const profile = cur ?? newProfile(user);
      name = sectionIn(profile, name);
      return addFactTo(profile, clean, name);
    });
    return { fact: clean, section: name };
  }

  async appendDaily(text: string, date: Date = new Date()): Promise<void> {
    await this.update(this.paths.daily(date), (cur) => appendNote(cur ?? newDaily(date), text, date));
  }

  async appendTranscript(session: string, entry: TranscriptInput): Promise<void> {
    if (!ROLES.includes(entry.role)) fail("invalid_input", `memory: unknown transcript role '${String(entry.role).slice(0, 20)}'`, "use user, assistant or tool");
    if (typeof entry.text !== "string") fail("invalid_input", "memory: a transcript entry needs text");
    const e = { role: entry.role, text: entry.text, at: entry.at ?? new Date(), ...(entry.user ? { user: entry.user } : {}) };
    const path = this.paths.session(session);
    const size = await withFileLock(path, async () => {
      // What appendEntry adds after the file's last bytes: the separator and the section.
      const grown = appendToFile(path, (tail) => appendEntry(tail, e).slice(tail.length));
      if (grown !== null) return grown;
      const text = appendEntry(newTranscript(session), e);
      writeFileAtomic(path, text);
      return Buffer.byteLength(text);
    });
    if (size < LARGE_TRANSCRIPT_BYTES) this.index.refresh(relative(this.root, path));
  }

  /** The session's messages in order (the newest `last` of them), for resuming after a restart. */
  async readTranscript(session: string, opts: { last?: number } = {}): Promise<{ role: Role; text: string; at: Date; user?: string }[]> {
    const path = this.paths.session(session);
    const last = opts.last;
    if (last === undefined) {
      const text = readText(path);
      return text === null ? [] : parseTranscript(text);
    }
    // From the end, widening until the part read holds `last` whole messages: a header line
    // cannot be forged inside a message (see transcript-format.ts), so every message from the
    // first header read on is whole.
    for (let bytes = LARGE_TRANSCRIPT_BYTES; ; bytes *= 4) {
      const tail = readTail(path, bytes);
      if (tail === null) return [];
      const entries = parseTranscript(tail.text);
      if (tail.whole || entries.length >= last) return entries.slice(Math.max(0, entries.length - last));
    }
  }

  /** A free-form note (notes/<name>.md), replaced whole. */
  async writeNote(name: string, text: string): Promise<void> {
    const path = this.paths.note(name);
    await withFileLock(path, async () => writeFileAtomic(path, text.endsWith("\n") ? text : text + "\n"));
    this.index.refresh(relative(this.root, path));
  }

  async write(req: WriteRequest): Promise<void> {
    switch (req.kind) {
      case "profile": await this.addFact(req.user, req.text, req.section); return;
      case "daily": return this.appendDaily(req.text, req.date);
      case "note": return this.writeNote(req.name, req.text);
    }
  }

  /**
   * Full-text search over every file. With `user`, other users' profiles and transcripts the
   * user took no part in are left out. Files changed on disk since the last call are re-read first.
   */
  async search(query: string, opts: { limit?: number; user?: string } = {}): Promise<SearchHit[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 10), 1), 100);
    this.index.sync();
    return this.index.search(query, limit, opts.user);
  }

  /** Drops the index and rebuilds it from the files. */
  async reindex(): Promise<{ files: number }> {
    return { files: this.index.rebuild() };
  }

  /** The indexed documents, in path order (to compare indexes, and for diagnostics). */
  indexed(): { path: string; title: string; body: string; owners: string }[] {
    return this.index.dump();
  }

  close(): void {
    this.index.close();
  }

  private async update(path: string, change: (cur: string | null) => string): Promise<void> {
    await updateFile(path, change);
    this.index.refresh(relative(this.root, path));
  }
}
