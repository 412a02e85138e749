// Public surface of runtime/channel-router.
export { ChannelRouter, startRouter, type ChannelStatus, type RouterChannel, type RouterOptions } from "./router.ts";
export { parseMarkdown } from "./markdown.ts";
export { parseInline } from "./inline.ts";
export { splitBlocks, budgetFor } from "./split.ts";
export { plainText, markdownText } from "./render.ts";
export { markdownMessages, approvalMessages, formatParams } from "./reply.ts";
export { Dedup } from "./dedup.ts";
export { parseCommand, parseAction } from "./commands.ts";
export { pluginFrom } from "./plugin-from.ts";
