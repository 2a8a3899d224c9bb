/**
 * `@stopwise/ai-sdk`: stopwise's stop chain as a Vercel AI SDK (`ai@6`) language-model
 * middleware. Wrap any AI SDK model with `wrapLanguageModel({ model, middleware:
 * stopwiseMiddleware(options) })`: `streamText` and `generateText` then stop the model's stream
 * when the chain decides, close its request, and report the stop and what it saved in
 * `providerMetadata.stopwise`.
 *
 * @packageDocumentation
 */
export { type StopwiseCallSettings, stopwiseOptions } from './call-settings.js';
export type { StopwiseMetadata } from './finish-part.js';
export {
  type StopwiseMiddleware,
  type StopwiseMiddlewareOptions,
  stopwiseMiddleware,
} from './stopwise-middleware.js';
export type { CallParams } from './v3-types.js';
