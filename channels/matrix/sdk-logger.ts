// matrix-js-sdk logs every request and sync step at debug level; those lines carry room ids and
// URLs and are noise for an operator. The channel reports what matters through ctx.log itself.
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { logger as sdkGlobalLogger } from "matrix-js-sdk/lib/logger.js";

const noop = () => {};

export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  getChild: () => silentLogger,
};

// Some SDK modules (MatrixRTC, the scheduler) log through the global loglevel logger or
// children of it, each created at debug level, rather than through the client's logger.
(sdkGlobalLogger as unknown as { setLevel(level: "silent", persist: boolean): void }).setLevel("silent", false);
(sdkGlobalLogger as unknown as { getChild(): Logger }).getChild = () => silentLogger;
