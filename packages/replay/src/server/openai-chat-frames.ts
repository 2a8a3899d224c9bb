import { type ResponseFrames, spliceTemplate } from './frames.js';
import type { ReplayPlan } from './replay-plan.js';

const marker = '\u0000delta\u0000';

/** The usage object of Chat Completions. */
function chatUsage(plan: ReplayPlan) {
  return {
    prompt_tokens: plan.inputTokens,
    completion_tokens: plan.outputTokens,
    total_tokens: plan.inputTokens + plan.outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: plan.reasoningTokens },
  };
}

/**
 * Chat Completions framing, in the shape of OpenAI's recorded streams: a role chunk, one chunk
 * per token, a finish chunk, the usage chunk when `stream_options.include_usage` was set, then
 * `data: [DONE]`. Reasoning goes out as `reasoning_content` deltas (the field DeepSeek, vLLM and
 * other OpenAI-compatible servers use), with `content: null` as DeepSeek sends it.
 */
export function openAIChatFrames(plan: ReplayPlan): ResponseFrames {
  const base = {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    system_fingerprint: 'fp_replay',
  };
  const withUsage = plan.includeUsage ? { usage: null } : {};
  const hasReasoning = plan.reasoning !== undefined && plan.reasoning.count > 0;
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...withUsage })}\n\n`;
  const reasoningDelta = spliceTemplate(chunk({ content: null, reasoning_content: marker }, null), marker);
  const textDelta = spliceTemplate(
    chunk(hasReasoning ? { content: marker, reasoning_content: null } : { content: marker }, null),
    marker,
  );
  return {
    head: () => [chunk({ role: 'assistant', content: hasReasoning ? null : '', refusal: null }, null)],
    reasoningHead: () => [],
    reasoningDelta,
    reasoningTail: () => [],
    textHead: () => [],
    textDelta,
    textTail: () => [],
    tail: () => {
      const frames = [chunk({}, plan.finishReason)];
      if (plan.includeUsage) {
        frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: chatUsage(plan) })}\n\n`);
      }
      frames.push('data: [DONE]\n\n');
      return frames;
    },
    body: () => ({
      id: plan.id,
      object: 'chat.completion',
      created: plan.created,
      model: plan.model,
      system_fingerprint: 'fp_replay',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: plan.output.text,
            ...(hasReasoning ? { reasoning_content: plan.reasoning?.text } : {}),
            refusal: null,
          },
          logprobs: null,
          finish_reason: plan.finishReason,
        },
      ],
      usage: chatUsage(plan),
    }),
  };
}
