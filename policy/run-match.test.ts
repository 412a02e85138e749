// run entries against commands, with the real paths load-policy.ts and the sandbox find: on a
// host where /bin links to /usr/bin, /usr/bin/sh links to dash, and /usr/bin/ls to busybox.
import { describe, expect, test } from "bun:test";
import { type RunEntry, type RunRequest, runAllows, runDenies } from "./run-match.ts";

const sh: RunRequest = { name: "sh", resolvedPath: "/usr/bin/sh", realPath: "/usr/bin/dash" };
const binSh: RunRequest = { name: "/bin/sh", resolvedPath: "/bin/sh", realPath: "/usr/bin/dash" };
const binCurl: RunRequest = { name: "/bin/curl", resolvedPath: "/bin/curl", realPath: "/usr/bin/curl" };
const git: RunRequest = { name: "git", resolvedPath: "/usr/bin/git", realPath: "/usr/bin/git" };
const busybox: RunRequest = { name: "/bin/busybox", resolvedPath: "/bin/busybox", realPath: "/bin/busybox" };
const shViaBusybox: RunRequest = { name: "/tmp/x/sh", resolvedPath: "/tmp/x/sh", realPath: "/bin/busybox" };
const lsViaBusybox: RunRequest = { name: "/tmp/x/ls", resolvedPath: "/tmp/x/ls", realPath: "/bin/busybox" };

// [entry (text, or text and its real path), request, denies?]
const DENIES: [RunEntry, RunRequest, boolean][] = [
  [["/bin/sh", "/usr/bin/dash"], sh, true], // the entry's real path is the file PATH finds
  ["/bin/sh", binSh, true],
  [["/usr/bin/sh", "/usr/bin/dash"], binSh, true],
  ["/usr/bin/curl", binCurl, true], // the request's real path is the entry
  ["/usr/bin/dash", sh, true],
  ["sh", binSh, true], // a name deny: any path with that file name
  ["dash", sh, true], // ... the real one too
  ["/bin/sh", sh, false], // no real path known for the entry: compared as text
  ["/usr/bin/git", sh, false],
  ["git", sh, false],
  [["/bin/bash", "/usr/bin/bash"], sh, false],
];

// [entry, request, allows?]
const ALLOWS: [RunEntry, RunRequest, boolean][] = [
  ["/usr/bin/git", git, true],
  ["git", git, true],
  ["/usr/bin/git", { name: "/usr/bin/git" }, true],
  [["/bin/git", "/usr/bin/git"], git, true], // the granted file, under its granted name
  ["/usr/bin/curl", binCurl, true],
  ["/usr/bin/git", sh, false], // another file
  ["/usr/bin/git", { name: "/tmp/x/git", resolvedPath: "/tmp/x/git", realPath: "/tmp/x/git" }, false],
  ["git", { name: "/tmp/x/git", resolvedPath: "/tmp/x/git" }, false], // a name grant is a name
  // The same real file under another name is another program: busybox acts by its name.
  [["/usr/bin/ls", "/bin/busybox"], busybox, false],
  [["/usr/bin/ls", "/bin/busybox"], shViaBusybox, false],
  [["/usr/bin/ls", "/bin/busybox"], lsViaBusybox, true],
  [["/usr/bin/sh", "/usr/bin/dash"], { name: "dash", resolvedPath: "/usr/bin/dash", realPath: "/usr/bin/dash" }, false],
  [["/usr/bin/sh", "/usr/bin/dash"], binSh, true],
];

const rows = (table: [RunEntry, RunRequest, boolean][]) =>
  table.map(([entry, r, expected]) => [JSON.stringify(entry), JSON.stringify(r), expected, entry, r] as const);

describe("run entries", () => {
  test.each(rows(DENIES))("deny %s against %s → %p", (_e, _r, expected, entry, r) => {
    expect(runDenies(entry, r)).toBe(expected);
  });
  test.each(rows(ALLOWS))("allow %s against %s → %p", (_e, _r, expected, entry, r) => {
    expect(runAllows(entry, r)).toBe(expected);
  });
  test("a deny is at least as broad as the grant of the same entry", () => {
    for (const [entry, r, allowed] of ALLOWS) if (allowed) expect(runDenies(entry, r)).toBe(true);
  });
});
