import type { LanguageModelMiddleware } from 'ai';

// The AI SDK's language-model types, taken from the middleware type that `ai` exports, so the
// package needs `ai` alone as a peer: `@ai-sdk/provider` is a dependency of `ai`, not
// necessarily one an app can import from (pnpm keeps it out of the app's reach).

/** The model a middleware wraps (`LanguageModelV3`). */
export type LanguageModel = Parameters<NonNullable<LanguageModelMiddleware['wrapStream']>>[0]['model'];
/** The options of one `doStream`/`doGenerate` call (`LanguageModelV3CallOptions`). */
export type CallParams = Parameters<NonNullable<LanguageModelMiddleware['wrapStream']>>[0]['params'];
/** What `doStream` resolves with (`LanguageModelV3StreamResult`). */
export type StreamResult = Awaited<
  ReturnType<Parameters<NonNullable<LanguageModelMiddleware['wrapStream']>>[0]['doStream']>
>;
/** What `doGenerate` resolves with (`LanguageModelV3GenerateResult`). */
export type GenerateResult = Awaited<
  ReturnType<Parameters<NonNullable<LanguageModelMiddleware['wrapStream']>>[0]['doGenerate']>
>;
/** One part of a model's stream (`LanguageModelV3StreamPart`). */
export type V3StreamPart = StreamResult['stream'] extends ReadableStream<infer P> ? P : never;
/** The finish part of a model's stream. */
export type V3FinishPart = Extract<V3StreamPart, { type: 'finish' }>;
/** Token usage as the AI SDK reports it (`LanguageModelV3Usage`). */
export type V3Usage = V3FinishPart['usage'];
/** A text or reasoning delta of a model's stream. */
export type V3DeltaPart = Extract<V3StreamPart, { type: 'text-delta' | 'reasoning-delta' }>;
/** One item of a generate result's content (`LanguageModelV3Content`). */
export type V3Content = GenerateResult['content'][number];
