import { leaderboardDetail } from '../../core/evalSuite/leaderboardDetail';

describe("an evaluate step's detail", () => {
  it('keeps commas inside variant labels apart from the separator between variants', () => {
    const board = [
      { label: 'fine-tuned', score: 0.8942 },
      { label: 'base, prompt classify-strict', score: 0.553 },
      { label: 'base, 5-shot', score: 0.7 },
    ];
    const detail = leaderboardDetail(board);
    expect(detail).toBe('fine-tuned 0.894 · base, prompt classify-strict 0.553 · base, 5-shot 0.700');
    expect(detail.split(' · ').map((e) => e.replace(/ [\d.]+$/, ''))).toEqual(board.map((b) => b.label));
  });
});
