/**
 * The canary split is a pure function of the alias and the user key: the same user always lands on the same side,
 * the share matches the percentage, and two aliases split one user independently.
 */
import { inShare, userBucket } from '../../servers/gateway/trafficSplit';

const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
const never = () => {
  throw new Error('a user key decides, not randomness');
};

test('the share of users in a 10% canary is 10% ± 1% over 20,000 users, the same on every call', () => {
  const picked = users.filter((u) => inShare(10, 'tickets@prod', u, never));
  expect(picked.length / users.length).toBeGreaterThan(0.09);
  expect(picked.length / users.length).toBeLessThan(0.11);
  expect(users.filter((u) => inShare(10, 'tickets@prod', u, never))).toEqual(picked);
});

test('growing the canary keeps every user already in it', () => {
  const at10 = users.filter((u) => inShare(10, 'tickets@prod', u, never));
  const at25 = new Set(users.filter((u) => inShare(25, 'tickets@prod', u, never)));
  expect(at10.every((u) => at25.has(u))).toBe(true);
});

test('aliases split independently; 0 and 100 are absolute; no user key falls back to randomness', () => {
  const a = users.slice(0, 2000).map((u) => userBucket('tickets@prod', u) < 10);
  const b = users.slice(0, 2000).map((u) => userBucket('tickets@staging', u) < 10);
  expect(a).not.toEqual(b);
  expect(inShare(0, 'x@y', 'u', never)).toBe(false);
  expect(inShare(100, 'x@y', 'u', never)).toBe(true);
  expect(inShare(10, 'x@y', undefined, () => 0.05)).toBe(true);
  expect(inShare(10, 'x@y', undefined, () => 0.5)).toBe(false);
});
