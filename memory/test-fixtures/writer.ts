// A child process for the crash and cross-process tests: writes through a real MemoryStore and
// prints a line after each completed write, so the parent knows when to kill it.
//   bun writer.ts overwrite <root>           rewrite notes/big.md forever with bigNote(i)
//   bun writer.ts append <root> <tag> <n>    append n transcript entries "<tag>-<i>" to session "s"
//   bun writer.ts append <root> <tag> 0      ... forever
import { MemoryStore } from "../store.ts";

/** A note that is easy to check for completeness: header, body and footer all name i. */
export function bigNote(i: number): string {
  return `# v${i}\n` + `line ${i} ${"x".repeat(100)}\n`.repeat(2000) + `end ${i}\n`;
}

if (import.meta.main) {
  const [mode, root, tag, count] = process.argv.slice(2);
  const store = new MemoryStore(root!);
  if (mode === "overwrite") {
    for (let i = 0; ; i++) {
      await store.writeNote("big", bigNote(i));
      process.stdout.write(`${i}\n`);
    }
  } else if (mode === "append") {
    const n = Number(count);
    for (let i = 0; n === 0 || i < n; i++) {
      await store.appendTranscript("s", { role: "user", text: `${tag}-${i}`, user: tag });
      process.stdout.write(`${i}\n`);
    }
    store.close();
  }
}
