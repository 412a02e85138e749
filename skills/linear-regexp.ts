// Regular expressions from skill manifests (`pattern`, `patternProperties`), run by RE2
// (re2js, pure JavaScript) instead of JavaScript's backtracking engine: they are checked on the
// main thread against arguments a model wrote, and a pattern like `^(a|a)*$` would otherwise
// hang the gateway. Matching is linear in the input whatever the pattern.
import type { CodeOptions } from "ajv";
import type { RE2JS } from "re2js";

/**
 * Ajv's RegExpEngine backed by RE2 (re2js, pure JavaScript): matching time is linear in the
 * input whatever the pattern. Throws for what RE2 cannot do (backreferences, lookaround); the
 * load-time check (linearPatternProblem) reports those first.
 */
export const linearRegExp: NonNullable<CodeOptions["regExp"]> = Object.assign(
  (pattern: string) => {
    const re = compileLinear(pattern);
    // Ajv keys its cache of compiled patterns on toString().
    return { test: (s: string) => re.test(s), toString: () => `/${pattern}/u` };
  },
  { code: "linearRegExp" }, // only read by Ajv's standalone code output, which we do not use
);

/** Why RE2 cannot run this (valid ECMA-262) pattern, for a manifest error; undefined if it can. */
export function linearPatternProblem(pattern: string): string | undefined {
  try {
    compileLinear(pattern);
    return undefined;
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, "").replace(/\s+/g, " ");
    const short = why.length > 60 ? `${why.slice(0, 59)}…` : why;
    return `cannot be run by the linear-time regex engine (${short}); backreferences, lookahead/lookbehind and repeat counts over 1000 are not supported`;
  }
}

function compileLinear(pattern: string): RE2JS {
  const { RE2JS } = require("re2js") as typeof import("re2js");
  return RE2JS.compile(RE2JS.translateRegExp(ecmaToRe2(pattern)));
}

/** ECMAScript's `\s`: its white space and line terminators, which are more than RE2's ASCII six. */
const JS_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const SURROGATE_PAIR = /^\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/i;

/**
 * Rewrites where RE2 reads the same text differently from JavaScript (with the `u` flag, as
 * Ajv compiles patterns): `.` must not match \r, U+2028, U+2029; `\s` covers Unicode spaces;
 * an escaped surrogate pair is one code point. re2js's translateRegExp then handles the
 * spelling (`\uXXXX`, `\cX`, `[^]`, `(?<name>`). `\S` inside a class keeps RE2's meaning.
 * Backreferences throw. Expects a pattern `new RegExp(p, "u")` accepts.
 */
function ecmaToRe2(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      // translateRegExp would turn `\k<n>` and `\8` into literal text instead of failing.
      if (next === "k" || (next >= "1" && next <= "9")) throw new Error(`backreference \\${next}`);
      const pair = next === "u" ? SURROGATE_PAIR.exec(pattern.slice(i, i + 12)) : null;
      if (pair) {
        const cp = 0x10000 + ((parseInt(pair[1]!, 16) - 0xd800) << 10) + (parseInt(pair[2]!, 16) - 0xdc00);
        out += `\\u{${cp.toString(16)}}`;
        i += 11;
      } else if (next === "s") {
        out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
        i++;
      } else if (next === "b" && inClass) {
        out += "\\x08"; // backspace, as in JavaScript; RE2 rejects \b in a class
        i++;
      } else if (next === "S" && !inClass) {
        out += `[^${JS_SPACE}]`;
        i++;
      } else {
        out += c + next;
        i++;
      }
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else out += c === "." ? "[^\\n\\r\\u2028\\u2029]" : c;
  }
  return out;
}
