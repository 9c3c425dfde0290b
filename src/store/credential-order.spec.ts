import { isNewerCredential } from './credential-order.js';

describe('isNewerCredential', () => {
  it('orders by fetchedAt, then by value, so that every instance picks the same one', () => {
    expect(isNewerCredential({ value: 'a', fetchedAt: 2 }, { value: 'z', fetchedAt: 1 })).toBe(
      true,
    );
    expect(isNewerCredential({ value: 'z', fetchedAt: 1 }, { value: 'a', fetchedAt: 2 })).toBe(
      false,
    );
    expect(isNewerCredential({ value: 'b', fetchedAt: 1 }, { value: 'a', fetchedAt: 1 })).toBe(
      true,
    );
    expect(isNewerCredential({ value: 'a', fetchedAt: 1 }, { value: 'b', fetchedAt: 1 })).toBe(
      false,
    );
    expect(isNewerCredential({ value: 'a', fetchedAt: 1 }, { value: 'a', fetchedAt: 1 })).toBe(
      false,
    );
  });
});
