export { frameChunk, streamTrailer, type WireFormat } from './wire/framing.js';
export { type SyntheticChatOptions, syntheticChatChunks } from './wire/synthetic-chat.js';
export { loadWireFixture, wireFixtureNames, wireFixturesDir } from './wire/fixtures.js';
export {
  createWireServer,
  type WireRequestRecord,
  type WireScript,
  type WireServer,
  type WireServerOptions,
} from './wire/wire-server.js';
