import { documentsCover, questionTerms } from '../../core/rag/documentCoverage';
import { withInlineCitations } from '../../core/rag/inlineCitations';

const refunds = {
  n: 1,
  heading: 'Refund window',
  text: 'Customers may request a full refund within 45 days of delivery. The window starts on the delivery date.',
};
const shipping = { n: 2, heading: 'Carriers', text: 'Orbitkeep parcels are delivered by Veldpost in 3 days.' };

describe('tailor ask: answers only what the documents cover, citing where', () => {
  it('finds no evidence for an off-topic question, and enough for an on-topic one', () => {
    expect(questionTerms('What is the capital of France?')).toEqual(['capit', 'franc']);
    expect(documentsCover('What is the capital of France?', [refunds, shipping])).toBe(false);
    const refundQuestion = 'How many days after delivery can a customer request a full refund?';
    expect(documentsCover(refundQuestion, [refunds, shipping])).toBe(true);
    expect(documentsCover('Which carrier delivers Orbitkeep parcels?', [refunds, shipping])).toBe(true);
    expect(documentsCover('anything', [])).toBe(false);
  });

  it('marks each supported sentence with its passage number, and leaves cited or unsupported text alone', () => {
    const answer = 'A customer may request a full refund within 45 days. Veldpost delivers Orbitkeep parcels.';
    expect(withInlineCitations(answer, [refunds, shipping])).toBe(
      'A customer may request a full refund within 45 days [1]. Veldpost delivers Orbitkeep parcels [2].',
    );
    expect(withInlineCitations('Within 45 days [1].', [refunds])).toBe('Within 45 days [1].');
    const unsupported = 'Thermostats glow purple at midnight.';
    expect(withInlineCitations(unsupported, [refunds, shipping])).toBe(unsupported);
  });
});
