/**
 * FNV-1a over a string, as an unsigned 32-bit number: a stable pick (which records calibrate,
 * which prompts are held out, which record stands in for an unseen prompt), the same on every
 * run and machine, with no seed to carry around.
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
