import type OpenAI from 'openai';
import type { ProviderStreamPart } from 'stopwise';
import { chunkStream, ReasoningTagSplitter } from 'stopwise/adapter';
import { mapTokenLogprobs } from './logprobs.js';
import { eventPayload, openSseBody, type SseEvent } from './sse-body.js';
import { compact, finishOf, type StreamContext, wireMessages, withExtraBody } from './stream-context.js';
import { chatUsage, unknownUsage } from './usage.js';

type ChatChunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type ChatBody = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;

// Compatible servers add reasoning fields the SDK's types do not know.
type ChatDelta = ChatChunk['choices'][number]['delta'] & {
  reasoning_content?: string | null;
  reasoning?: string | null;
};

/** The Chat Completions request body for a call: always streaming, asking for usage. */
export function chatBody(context: StreamContext): ChatBody {
  const { request, options } = context;
  const body = {
    model: request.model,
    messages: wireMessages(request.messages),
    stream: true as const,
    stream_options: { include_usage: true },
    ...compact({
      [context.maxTokensParam]: request.maxOutputTokens,
      temperature: request.temperature,
      user: request.user,
      logprobs: request.logprobs ? true : undefined,
      top_logprobs: request.logprobs ? options.topLogprobs : undefined,
      top_p: options.topP,
      seed: options.seed,
      presence_penalty: options.presencePenalty,
      frequency_penalty: options.frequencyPenalty,
      stop: options.stop,
      logit_bias: options.logitBias,
      reasoning_effort: options.reasoningEffort,
      service_tier: options.serviceTier,
      store: options.store,
      metadata: options.metadata,
      safety_identifier: options.safetyIdentifier,
      prompt_cache_key: options.promptCacheKey,
      verbosity: options.verbosity,
    }),
  };
  return withExtraBody(body as ChatBody, options.extraBody);
}

/**
 * Streams a Chat Completions call. Yields `stream-start` once the response headers arrived, then
 * per chunk: `response-metadata` (first chunk), `reasoning-delta` (`reasoning_content` as
 * DeepSeek and xAI send it, or `reasoning` as vLLM and OpenRouter do), `logprobs` (just before
 * the text they describe, only when the call asked for them), `text-delta`; and one `finish` at
 * the end with the last `finish_reason` and the usage chunk's counts. The context is made (and
 * its options validated) on the first read; every error passes through `mapError`.
 *
 * The hot path of the adapter: the body is read by {@link openSseBody}, and chunks are mapped
 * synchronously by {@link chunkStream} rather than by an async generator, which would add a round
 * of promise jobs per part.
 */
export function streamChat(
  makeContext: () => StreamContext,
  mapError: (error: unknown) => unknown,
): AsyncIterable<ProviderStreamPart> {
  let context: StreamContext | undefined;
  let sentMetadata = false;
  let finishReason: string | null | undefined;
  let usage = unknownUsage;
  let headers: Headers;
  // Reasoning inline in the text (`<think>...</think>`), split off as the server would with a
  // reasoning parser.
  let tags: ReasoningTagSplitter | undefined;
  const mapChunk = (chunk: ChatChunk, emit: (part: ProviderStreamPart) => void) => {
    // The first chunk that names the response: Azure OpenAI's first chunk (its prompt filter
    // results) has an empty id and model.
    if (!sentMetadata && (chunk.id || chunk.model)) {
      sentMetadata = true;
      emit({ type: 'response-metadata', id: chunk.id || undefined, model: chunk.model || undefined });
    }
    // DeepSeek puts usage on the finish chunk, OpenAI on a last chunk with no choices.
    if (chunk.usage) usage = chatUsage(chunk.usage);
    // With `n` > 1 every choice streams interleaved; a call has one answer: choice 0.
    const choice = choiceZero(chunk.choices);
    if (!choice) return;
    const delta = (choice.delta ?? {}) as ChatDelta;
    // vLLM sends the same text as both `reasoning` and `reasoning_content`: take one.
    const reasoning = nonEmpty(delta.reasoning_content) ?? nonEmpty(delta.reasoning);
    if (reasoning !== undefined) emit({ type: 'reasoning-delta', delta: reasoning });
    if ((context as StreamContext).request.logprobs) {
      const tokens = mapTokenLogprobs(choice.logprobs?.content);
      if (tokens.length > 0) emit({ type: 'logprobs', tokens });
    }
    const text = nonEmpty(delta.content);
    if (text !== undefined) {
      if (tags) tags.push(text, emit);
      else emit({ type: 'text-delta', delta: text });
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  };
  return chunkStream<SseEvent[]>({
    async open() {
      context = makeContext();
      tags = context.reasoningTags && new ReasoningTagSplitter(context.reasoningTags);
      const body = await openSseBody(
        context.client.chat.completions.create(chatBody(context), context.sdkOptions),
        context,
      );
      headers = body.headers;
      return body.batches;
    },
    started: (emit) => emit({ type: 'stream-start' }),
    // One network read's events at a time: a fast stream packs many into one read.
    map(batch, emit) {
      for (const event of batch) {
        const chunk = eventPayload<ChatChunk>(event, headers);
        if (chunk !== undefined) mapChunk(chunk, emit);
      }
    },
    finish: (emit) => {
      // What the splitter held back (a tail that might have begun a tag) was received: it is read
      // before the finish, or before the error of a stream that ended without one.
      tags?.flush(emit);
      emit(finishOf(context as StreamContext, finishReason, usage));
    },
    mapError,
  });
}

/** Choice 0 of a chunk: almost always the first entry, so look there before searching. */
function choiceZero(choices: ChatChunk['choices'] | undefined): ChatChunk['choices'][number] | undefined {
  const first = choices?.[0];
  if (first && (first.index ?? 0) === 0) return first;
  return choices?.find((candidate) => (candidate.index ?? 0) === 0);
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
