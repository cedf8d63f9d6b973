/**
 * Function words dropped before similarity in the extractive and zero-shot learners: without a
 * trained model there are no learned weights to discount "the" or "what", so a fixed list does it.
 */
export const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these ' +
    'those i me my we our you your he she they them their what which who whom whose when where why how do does did ' +
    'done can could would should will shall may might must have has had not no yes so than then there here ' +
    'about into ' +
    'over under again further once all any both each few more most other some such only own same too very just also ' +
    'please hi hello thanks thank answer question using use based following given text passage context'
  ).split(' '),
);

/** The text with stopwords removed (words kept in order), for similarity that ignores glue words. */
export function contentWords(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).join(' ');
}
