// Time for every engine: bakes, TTL waits, polling and retry delays all go through a Clock so tests
// can run a 10-minute bake instantly. Latency measurements use real time (performance.now).

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A clock whose sleeps advance virtual time at once (yielding to the event loop each time). */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.current += Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
