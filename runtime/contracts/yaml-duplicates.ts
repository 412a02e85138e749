// Duplicate keys in a parsed YAML document, found in one pass. The yaml library's own check
// (`uniqueKeys: true`) compares each key with every earlier one in its mapping: a file of 40,000
// keys took 7–19 s. Shared by policy/config files and SKILL.md frontmatter.
import type { isMap, isScalar, isSeq } from "yaml";

/** The yaml library's node tests, passed in so a caller may load the library lazily. */
export interface YamlNodeTests {
  isMap: typeof isMap;
  isScalar: typeof isScalar;
  isSeq: typeof isSeq;
}

export interface DuplicateKey {
  offset: number;
  key: string;
  /** Where the repeated key sits: the keys and list indexes down to it, the key last
   *  (`["skills", "web_fetch"]`), so a message can name `skills.web_fetch`. */
  path: (string | number)[];
}

/**
 * The first key (by position) repeated within one mapping, at any depth. Keys are compared as
 * the strings they become in the parsed object, so `1:` and `"1":` collide too (the object would
 * silently keep the last). Iterative, so deep nesting cannot overflow the stack.
 */
export function firstDuplicateKey(contents: unknown, yaml: YamlNodeTests): DuplicateKey | undefined {
  let first: { offset: number; key: string; at: Step | null } | undefined;
  // Each node with the step that led to it; paths are rebuilt only for the one reported, so a
  // wide file does not copy a path per key.
  const stack: { node: unknown; at: Step | null }[] = [{ node: contents, at: null }];
  while (stack.length > 0) {
    const { node, at } = stack.pop()!;
    if (yaml.isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (yaml.isScalar(key) && (key.value === null || typeof key.value !== "object")) {
          const name = key.value === null ? "" : String(key.value);
          const offset = key.range?.[0] ?? 0;
          if (!seen.has(name)) seen.add(name);
          else if (!first || offset < first.offset) first = { offset, key: name, at };
          stack.push({ node: pair.value, at: { step: name, up: at } });
        } else {
          // A complex key (a mapping used as a key) has no name to show: its contents are
          // reported under the mapping that holds it.
          stack.push({ node: key, at }, { node: pair.value, at });
        }
      }
    } else if (yaml.isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, at: { step: i, up: at } }));
    }
  }
  if (!first) return undefined;
  const path: (string | number)[] = [first.key];
  for (let s = first.at; s; s = s.up) path.push(s.step);
  return { offset: first.offset, key: first.key, path: path.reverse() };
}

interface Step {
  step: string | number;
  up: Step | null;
}
