// Regular expressions whose matching time can explode. The sandbox's regex engine backtracks,
// and nothing can stop one match once it has started: `(a+)+$` against forty a's and a b tries
// 2^40 ways to split the a's and outlives any time limit. A repeated group whose content itself
// repeats a variable number of times (`(a+)+`, `(\w*\s?)*`, `(x+y){2,}`) is the usual cause, so
// such queries are refused before any file is read, with a way to write them instead.
// Not caught: repeated alternatives that overlap (`(a|aa)+`); the search's time budget still
// applies between matches.

/**
 * The first repeated group in regex `source` whose content repeats, as written (e.g. "(a+)+"),
 * or null when there is none.
 */
export function nestedQuantifier(source) {
  // One frame per open group: where it starts and whether anything inside repeats.
  const stack = [{ start: 0, repeats: false }];
  for (let i = 0; i < source.length; ) {
    const c = source[i];
    let atomEnd;
    let group = null;
    if (c === "\\") {
      atomEnd = escapeEnd(source, i);
    } else if (c === "[") {
      atomEnd = classEnd(source, i);
    } else if (c === "(") {
      stack.push({ start: i, repeats: false });
      i++;
      continue;
    } else if (c === ")" && stack.length > 1) {
      group = stack.pop();
      atomEnd = i + 1;
    } else {
      atomEnd = i + 1;
    }
    const q = quantifier(source, atomEnd);
    if (group && q && q.max > 1 && group.repeats) return source.slice(group.start, q.end);
    const top = stack[stack.length - 1];
    if ((q && q.max > 1 && q.max > q.min) || (group && group.repeats)) top.repeats = true;
    i = q ? q.end : atomEnd;
  }
  return null;
}

/** The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy), or null. */
function quantifier(s, i) {
  const c = s[i];
  let min, max, end;
  if (c === "*") [min, max, end] = [0, Infinity, i + 1];
  else if (c === "+") [min, max, end] = [1, Infinity, i + 1];
  else if (c === "?") [min, max, end] = [0, 1, i + 1];
  else if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i, i + 24));
    if (!m) return null; // a literal "{"
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    end = i + m[0].length;
  } else return null;
  if (s[end] === "?") end++;
  return { min, max, end };
}

/** Index after the escape at `i`: `\d`, `\x41`, `\u{1F600}`, `\p{L}`, `\k<name>`, … */
function escapeEnd(s, i) {
  const c = s[i + 1];
  if ((c === "u" || c === "p" || c === "P") && s[i + 2] === "{") {
    const close = s.indexOf("}", i + 3);
    return close === -1 ? i + 2 : close + 1;
  }
  if (c === "k" && s[i + 2] === "<") {
    const close = s.indexOf(">", i + 3);
    return close === -1 ? i + 2 : close + 1;
  }
  return Math.min(s.length, i + 2);
}

/** Index after the character class opening at `i`. */
function classEnd(s, i) {
  let j = i + 1;
  if (s[j] === "^") j++;
  while (j < s.length && s[j] !== "]") j += s[j] === "\\" ? 2 : 1;
  return Math.min(s.length, j + 1);
}
