import { MemoryStore } from '../../lib/store/memory';
import { runStoreCases } from './store.cases';

runStoreCases('MemoryStore', async () => ({ store: new MemoryStore() }));

describe('MemoryStore', () => {
  it('sweeps expired entries on its interval', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 10 });
    await store.set('x', '1', 5);
    await new Promise((r) => setTimeout(r, 40));
    expect(await store.get('x')).toBeUndefined();
    await store.close();
  });
});
