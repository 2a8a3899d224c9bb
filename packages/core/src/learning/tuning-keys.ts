import { lengthKeys } from '../adaptive/length-bucket.js';
import type { CallContext } from '../policy.js';
import type { TuningKeys } from './tuner.js';

/**
 * The keys a call is tuned under. The bucket is what the tuner can know before the call ends:
 * the model, the task read from the prompt (its task words and asked-for format, as adaptive
 * length pools lengths, or the call's `metadata.bucket`) and the profile; the user apart.
 */
export function tuningKeys(
  call: Pick<CallContext, 'model' | 'messages' | 'prompt' | 'metadata' | 'user' | 'profile'>,
): TuningKeys {
  return { bucket: `${lengthKeys(call).coarse}|profile=${call.profile ?? '-'}`, user: call.user };
}
