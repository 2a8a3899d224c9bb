import type OpenAI from 'openai';
import type { ProviderStreamPart } from 'stopwise';
import { mapTokenLogprobs } from './logprobs.js';
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
 * the end with the last `finish_reason` and the usage chunk's counts.
 */
export async function* streamChat(context: StreamContext): AsyncGenerator<ProviderStreamPart> {
  const { client, request } = context;
  const stream = await client.chat.completions.create(chatBody(context), context.sdkOptions);
  yield { type: 'stream-start' };
  let sentMetadata = false;
  let finishReason: string | null | undefined;
  let usage = unknownUsage;
  for await (const chunk of stream as AsyncIterable<ChatChunk>) {
    if (!sentMetadata) {
      sentMetadata = true;
      yield { type: 'response-metadata', id: chunk.id || undefined, model: chunk.model || undefined };
    }
    // DeepSeek puts usage on the finish chunk, OpenAI on a last chunk with no choices.
    if (chunk.usage) usage = chatUsage(chunk.usage);
    // With `n` > 1 every choice streams interleaved; a call has one answer: choice 0.
    const choice = choiceZero(chunk.choices);
    if (!choice) continue;
    const delta = (choice.delta ?? {}) as ChatDelta;
    // vLLM sends the same text as both `reasoning` and `reasoning_content`: take one.
    const reasoning = nonEmpty(delta.reasoning_content) ?? nonEmpty(delta.reasoning);
    if (reasoning !== undefined) yield { type: 'reasoning-delta', delta: reasoning };
    if (request.logprobs) {
      const tokens = mapTokenLogprobs(choice.logprobs?.content);
      if (tokens.length > 0) yield { type: 'logprobs', tokens };
    }
    const text = nonEmpty(delta.content);
    if (text !== undefined) yield { type: 'text-delta', delta: text };
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  yield finishOf(context, finishReason, usage);
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
