// The Matrix channel (DESIGN §2, §7, §8): `new MatrixChannel()` or `createMatrixChannel()`.
import { MatrixChannel } from "./plugin.ts";

export { MatrixChannel };
export { renderText, escapeHtml } from "./render.ts";

export function createMatrixChannel(): MatrixChannel {
  return new MatrixChannel();
}
export const createChannel = createMatrixChannel;
