// A file-name glob → RegExp: `*` and `?` within one path component, `**` across components,
// `{a,b}` alternatives; everything else literal.
export function globToRegExp(glob, caseSensitive) {
  let re = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") { braces++; re += "(?:"; }
    else if (c === "}" && braces > 0) { braces--; re += ")"; }
    else if (c === "," && braces > 0) re += "|";
    else re += /[\\^$.|+()[\]{}]/.test(c) ? "\\" + c : c;
  }
  if (braces > 0) throw new Error(`name pattern "${glob}" has an unclosed {`);
  return new RegExp("^" + re + "$", caseSensitive ? "" : "i");
}
