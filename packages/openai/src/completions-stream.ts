import type OpenAI from 'openai';
import type { ProviderStreamPart } from 'stopwise';
import { completionPrompt } from './completion-prompt.js';
import { mapCompletionLogprobs } from './logprobs.js';
import { eachEvent, eventPayload, openSseBody } from './sse-body.js';
import { compact, finishOf, type StreamContext, withExtraBody } from './stream-context.js';
import { chatUsage, unknownUsage } from './usage.js';

type CompletionChunk = OpenAI.Completions.Completion;
type CompletionBody = OpenAI.Completions.CompletionCreateParamsStreaming;

/** The legacy Completions request body: the messages joined into one prompt (see `completionPrompt`). */
export function completionsBody(context: StreamContext): CompletionBody {
  const { request, options } = context;
  const { prompt, stop } = completionPrompt(request.messages);
  const body = {
    model: request.model,
    prompt,
    stream: true as const,
    stream_options: { include_usage: true },
    ...compact({
      max_tokens: request.maxOutputTokens,
      temperature: request.temperature,
      user: request.user,
      // This API takes the number of alternatives as `logprobs` (0: just the chosen token).
      logprobs: request.logprobs ? (options.topLogprobs ?? 0) : undefined,
      top_p: options.topP,
      seed: options.seed,
      presence_penalty: options.presencePenalty,
      frequency_penalty: options.frequencyPenalty,
      stop: options.stop ?? stop,
      logit_bias: options.logitBias,
    }),
  };
  return withExtraBody(body as CompletionBody, options.extraBody);
}

/**
 * Streams a legacy Completions call: `choices[0].text` becomes text deltas (with logprobs before
 * them when asked), the first chunk gives the metadata, the usage chunk the counts, and the last
 * `finish_reason` the finish.
 */
export async function* streamCompletions(context: StreamContext): AsyncGenerator<ProviderStreamPart> {
  const { client, request } = context;
  const { batches, headers } = await openSseBody(
    client.completions.create(completionsBody(context), context.sdkOptions),
    context,
  );
  yield { type: 'stream-start' };
  let sentMetadata = false;
  let finishReason: string | null | undefined;
  let usage = unknownUsage;
  for await (const event of eachEvent(batches)) {
    const chunk = eventPayload<CompletionChunk>(event, headers);
    if (chunk === undefined) continue;
    // The first chunk that names the response (an Azure content-filter chunk names none).
    if (!sentMetadata && (chunk.id || chunk.model)) {
      sentMetadata = true;
      yield { type: 'response-metadata', id: chunk.id || undefined, model: chunk.model || undefined };
    }
    if (chunk.usage) usage = chatUsage(chunk.usage);
    const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
    if (!choice) continue;
    if (request.logprobs) {
      const tokens = mapCompletionLogprobs(choice.logprobs);
      if (tokens.length > 0) yield { type: 'logprobs', tokens };
    }
    if (typeof choice.text === 'string' && choice.text !== '')
      yield { type: 'text-delta', delta: choice.text };
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  yield finishOf(context, finishReason, usage);
}
