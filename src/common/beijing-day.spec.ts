import { describe, expect, it } from '@jest/globals';
import { beijingDay, beijingMonth } from './beijing-day.js';

describe('beijingDay / beijingMonth', () => {
  it('turns the day at 16:00 UTC, midnight in Beijing', () => {
    expect(beijingDay(Date.parse('2026-03-31T15:59:59.999Z'))).toBe('2026-03-31');
    expect(beijingDay(Date.parse('2026-03-31T16:00:00.000Z'))).toBe('2026-04-01');
  });

  it('turns the month and the year with the Beijing day', () => {
    expect(beijingMonth(Date.parse('2026-03-31T15:59:59.999Z'))).toBe('2026-03');
    expect(beijingMonth(Date.parse('2026-03-31T16:00:00.000Z'))).toBe('2026-04');
    expect(beijingMonth(Date.parse('2026-12-31T16:00:00.000Z'))).toBe('2027-01');
  });
});
