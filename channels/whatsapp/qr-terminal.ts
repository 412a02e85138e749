// Baileys 7 no longer prints the login QR; we draw it with half-block characters (two
// module rows per text line) so it fits a terminal and scans from the screen.
import qrcode from "qrcode-generator";

const QUIET = 2; // modules of light border; scanners need some

export function renderQr(text: string): string {
  const qr = qrcode(0, "L");
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const dark = (r: number, c: number) => r >= 0 && c >= 0 && r < n && c < n && qr.isDark(r, c);
  const lines: string[] = [];
  for (let r = -QUIET; r < n + QUIET; r += 2) {
    let line = "";
    for (let c = -QUIET; c < n + QUIET; c++) {
      // Light-on-dark terminals are the common case: print light modules as blocks.
      const top = !dark(r, c);
      const bottom = !dark(r + 1, c);
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines.join("\n");
}
