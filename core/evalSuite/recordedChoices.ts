/**
 * Where OpenAI's grader documentation leaves a behaviour open, the choice Tailor made. Every
 * run report lists these, so a score can be read knowing how it was computed.
 */
export const RECORDED_CHOICES: readonly string[] = [
  'fuzzy_match: rapidfuzz fuzz.ratio/100 without preprocessing (2·LCS/(|a|+|b|) over code points; two empty ' +
    'strings = 1)',
  'bleu: NLTK 3.9 sentence_bleu defaults — whitespace tokens, case-sensitive, 1–4-grams equal weights, ' +
    'brevity penalty, no smoothing (method0)',
  'gleu: NLTK sentence_gleu, 1–4-grams, whitespace tokens; meteor: NLTK single_meteor_score (α .9, β 3, γ ' +
    '.5) with exact and Porter-stem stages, no WordNet synonyms',
  'rouge_1…rouge_5, rouge_l: rouge-score 0.1.2 F-measure, default tokenizer, no stemming; rouge_l is ' +
    'sentence-level rougeL',
  'cosine: text-embedding-3-large through the configured provider (the local backend answers with hashed ' +
    'n-gram vectors, not OpenAI embeddings: not equivalent)',
  'template values: strings verbatim, other values as Python json.dumps text (", " and ": ", ASCII escapes); ' +
    'numbers print as JavaScript prints them',
  'missing template variable or unknown namespace: score 0, invalid_variable_error, item counted as errored',
  'JSON strings (e.g. tool-call arguments) are parsed when a template path goes inside them',
  'calculate_output: ^ is right-associative power binding tighter than unary minus; log is natural; min/max ' +
    'take 1+ arguments; division by zero or a non-finite value scores 0 with other_error',
  'multi scores are not clamped (a value outside [0, 1] is noted); score_model is clamped to range, ' +
    'non-numeric output scores 0 (not raised to range[0])',
  'pass rule without pass_threshold: score ≥ the middle of the score range (0.5 for [0, 1])',
  'label_model output schema: strict {steps, result: enum(labels)}; a reply naming no label is ' +
    'model_grader_parse_error, score 0',
  'item status: errored if any grade errored, passed if every grade passed, failed otherwise',
  'grader model names are used as written unless the suite maps them (graderModels); the model that answered ' +
    'is recorded per grade',
];
