import { tokenStatsText } from '../../core/dataset/tokenStatsText';

describe('the validation summary line', () => {
  it('rounds interpolated token statistics to one decimal and leaves whole numbers alone', () => {
    const s = {
      min: 12,
      p10: 30.450000000000003,
      median: 88,
      mean: 90.21666666666667,
      p90: 170.10000000000002,
      max: 400,
    };
    expect(tokenStatsText(s)).toBe('min 12, p10 30.5, median 88, mean 90.2, p90 170.1, max 400');
    expect(tokenStatsText({ min: 3, p10: 4, median: 5, mean: 5, p90: 6, max: 7 })).toBe(
      'min 3, p10 4, median 5, mean 5, p90 6, max 7',
    );
  });
});
