import type { JSONValue } from 'ai';
import type { RunResult, RunUsage } from 'stopwise';
import type { V3FinishPart, V3StreamPart, V3Usage } from './v3-types.js';

/**
 * What `providerMetadata.stopwise` holds on the finish of a wrapped call (and so on
 * `streamText`'s and `generateText`'s `providerMetadata`): how the run ended, the stop, where
 * the usage came from, and the savings. JSON, as provider metadata must be.
 */
export interface StopwiseMetadata {
  /** The run's id, as in its telemetry events (and for `middleware.feedback(callId, ...)`). */
  callId: string;
  /** `finish` (the model ended) or `policy-stop`. */
  outcome: 'finish' | 'policy-stop';
  profile: string | null;
  /** The stop, when a policy stopped the call. */
  stop: {
    policy: string;
    reason: string;
    /** `complete`, `runaway` or `cap`: what the stop says about the rest of the output. */
    kind: string;
    phase: 'reasoning' | 'answer';
    /** Characters of that phase's text kept. */
    atChar: number;
    /** Output tokens kept. */
    atToken: number;
    /**
     * Characters this stream had already delivered that the cut removed: the cut reached back
     * further than the middleware's `holdBack`. 0 when the delivered text is exactly the kept text.
     */
    retractedChars: number;
  } | null;
  /** Where the usage's counts came from: the provider, or counted by stopwise (`estimated`). */
  usage: {
    outputTokens: number | null;
    source: 'provider' | 'estimated';
    inputSource: 'provider' | 'estimated';
  };
  /** What the stop saved (stopwise's `Savings`, as JSON). */
  savings: JSONValue;
}

/**
 * The finish part a wrapped call ends with. After the model's own finish, that finish, with
 * stopwise's counts filling what the provider did not report and `providerMetadata.stopwise`
 * added. After a stop (the model's finish never came: its request was aborted), a finish of
 * stopwise's own: reason `stop` (`length` for a token cap), the provider's usage where it had
 * sent any, else stopwise's estimate.
 */
export function finishPart(
  result: RunResult & { outcome: 'finish' | 'policy-stop' },
  modelFinish: V3FinishPart | undefined,
  streamedRetract: number,
): V3FinishPart {
  const metadata = stopwiseMetadata(result, streamedRetract);
  if (result.outcome === 'finish' && modelFinish !== undefined) {
    return {
      ...modelFinish,
      usage: filledUsage(modelFinish.usage, result.usage),
      providerMetadata: { ...modelFinish.providerMetadata, stopwise: metadata },
    };
  }
  return {
    type: 'finish',
    finishReason: { unified: result.stop?.kind === 'cap' ? 'length' : 'stop', raw: undefined },
    usage: filledUsage(undefined, result.usage),
    providerMetadata: { stopwise: metadata },
  };
}

/** True for the model's finish part. */
export const isFinish = (part: V3StreamPart | undefined): part is V3FinishPart => part?.type === 'finish';

/**
 * The provider's usage, untouched where it reported a total, with stopwise's count where it did
 * not (a stop: the provider's usage was to come at the end it never reached).
 */
function filledUsage(usage: V3Usage | undefined, run: RunUsage): V3Usage {
  const input = usage?.inputTokens;
  const output = usage?.outputTokens;
  const reasoning = output?.reasoning ?? run.reasoningTokens;
  const total = run.outputTokens;
  return {
    ...usage,
    inputTokens:
      input?.total !== undefined
        ? input
        : { total: run.inputTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens:
      output?.total !== undefined
        ? output
        : {
            total,
            // Split only when stopwise knows the reasoning share.
            text: total !== undefined && reasoning !== undefined ? total - reasoning : undefined,
            reasoning,
          },
  };
}

function stopwiseMetadata(result: RunResult, streamedRetract: number): { [key: string]: JSONValue } {
  const { stop } = result;
  const metadata: StopwiseMetadata = {
    callId: result.callId,
    outcome: result.outcome === 'policy-stop' ? 'policy-stop' : 'finish',
    profile: result.profile ?? null,
    stop: stop
      ? {
          policy: stop.policy,
          reason: stop.reason,
          kind: stop.kind,
          phase: stop.phase,
          atChar: stop.atChar,
          atToken: stop.atToken,
          retractedChars: streamedRetract,
        }
      : null,
    usage: {
      outputTokens: result.usage.outputTokens ?? null,
      source: result.usage.source,
      inputSource: result.usage.inputSource,
    },
    savings: asJson(result.savings),
  };
  return metadata as unknown as { [key: string]: JSONValue };
}

/** A plain JSON copy: provider metadata is serialized by UI streams and must hold no `undefined`. */
function asJson(value: unknown): JSONValue {
  return JSON.parse(JSON.stringify(value)) as JSONValue;
}
