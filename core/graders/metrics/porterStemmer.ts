/**
 * The Porter stemming algorithm (M.F. Porter, 1980, "An algorithm for suffix stripping"), after Porter's own
 * reference implementation. METEOR's second matching stage compares stems. NLTK's default PorterStemmer mode adds
 * a few extensions to the 1980 rules, so rare words can stem differently; the choice is recorded in the run report.
 */
const step2list: Record<string, string> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const step3list: Record<string, string> = {
  icate: 'ic',
  ative: '',
  alize: 'al',
  iciti: 'ic',
  ical: 'ic',
  ful: '',
  ness: '',
};

const c = '[^aeiou]'; // consonant
const v = '[aeiouy]'; // vowel
const C = c + '[^aeiouy]*'; // consonant sequence
const V = v + '[aeiou]*'; // vowel sequence
const mgr0 = new RegExp('^(' + C + ')?' + V + C); // [C]VC... is m>0
const meq1 = new RegExp('^(' + C + ')?' + V + C + '(' + V + ')?$'); // [C]VC[V] is m=1
const mgr1 = new RegExp('^(' + C + ')?' + V + C + V + C); // [C]VCVC... is m>1
const sV = new RegExp('^(' + C + ')?' + v); // vowel in stem

export function porterStem(word: string): string {
  let w = word;
  if (w.length < 3) return w;
  const firstch = w.slice(0, 1);
  if (firstch === 'y') w = firstch.toUpperCase() + w.slice(1);

  // Step 1a
  let re = /^(.+?)(ss|i)es$/;
  let re2 = /^(.+?)([^s])s$/;
  if (re.test(w)) w = w.replace(re, '$1$2');
  else if (re2.test(w)) w = w.replace(re2, '$1$2');

  // Step 1b
  re = /^(.+?)eed$/;
  re2 = /^(.+?)(ed|ing)$/;
  if (re.test(w)) {
    const fp = re.exec(w)!;
    if (mgr0.test(fp[1]!)) w = w.replace(/.$/, '');
  } else if (re2.test(w)) {
    const fp = re2.exec(w)!;
    const stem = fp[1]!;
    if (sV.test(stem)) {
      w = stem;
      const re3 = /(at|bl|iz)$/;
      const re4 = /([^aeiouylsz])\1$/;
      const re5 = new RegExp('^' + C + v + '[^aeiouwxy]$');
      if (re3.test(w)) w = w + 'e';
      else if (re4.test(w)) w = w.replace(/.$/, '');
      else if (re5.test(w)) w = w + 'e';
    }
  }

  // Step 1c
  re = /^(.+?)y$/;
  if (re.test(w)) {
    const stem = re.exec(w)![1]!;
    if (sV.test(stem)) w = stem + 'i';
  }

  // Step 2
  re =
    /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
  if (re.test(w)) {
    const fp = re.exec(w)!;
    if (mgr0.test(fp[1]!)) w = fp[1]! + step2list[fp[2]!];
  }

  // Step 3
  re = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
  if (re.test(w)) {
    const fp = re.exec(w)!;
    if (mgr0.test(fp[1]!)) w = fp[1]! + step3list[fp[2]!];
  }

  // Step 4
  re = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
  re2 = /^(.+?)(s|t)(ion)$/;
  if (re.test(w)) {
    const stem = re.exec(w)![1]!;
    if (mgr1.test(stem)) w = stem;
  } else if (re2.test(w)) {
    const fp = re2.exec(w)!;
    const stem = fp[1]! + fp[2]!;
    if (mgr1.test(stem)) w = stem;
  }

  // Step 5
  re = /^(.+?)e$/;
  if (re.test(w)) {
    const stem = re.exec(w)![1]!;
    const re3 = new RegExp('^' + C + v + '[^aeiouwxy]$');
    if (mgr1.test(stem) || (meq1.test(stem) && !re3.test(stem))) w = stem;
  }
  if (/ll$/.test(w) && mgr1.test(w)) w = w.replace(/.$/, '');

  if (firstch === 'y') w = firstch.toLowerCase() + w.slice(1);
  return w;
}
