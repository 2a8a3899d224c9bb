const answerLetter = /answer is \(?([A-J])\)?/;

/** The letter the `choice` scorer reads: the first match of `answer is \(?([A-J])\)?`. */
export function choiceAnswer(text: string): string | undefined {
  return answerLetter.exec(text)?.[1];
}

/** The `choice` scorer: the first "answer is (X)" names the gold letter. No match is wrong. */
export function scoreChoice(gold: string, text: string): boolean {
  const letter = choiceAnswer(text);
  return letter !== undefined && letter === gold;
}
