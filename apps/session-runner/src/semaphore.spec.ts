import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('grows at once (waking waiters) and shrinks as holders finish', async () => {
    const slots = new Semaphore(1);
    const first = await slots.acquire();
    let secondGot = false;
    const second = slots.acquire().then((release) => ((secondGot = true), release));
    await Promise.resolve();
    expect(secondGot).toBe(false);
    slots.resize(2);
    const releaseSecond = await second;
    expect(slots.inUse).toBe(2);

    slots.resize(1);
    let thirdGot = false;
    const third = slots.acquire().then((release) => ((thirdGot = true), release));
    first();
    await Promise.resolve();
    expect(thirdGot).toBe(false); // one still held, size 1: the waiter waits
    expect(slots.inUse).toBe(1);
    releaseSecond();
    (await third)();
    expect(thirdGot).toBe(true);
    expect(slots.inUse).toBe(0);
  });
});
