import { Controller, createApp, Get, RivetError } from '../../lib';

@Controller('/') class Hello { @Get('/') hi() { return 'hi'; } }

// regression: issue 19 (a port in use was node's raw EADDRINUSE error)
describe('app.listen on a port in use', () => {
  it('rejects with one line naming the port and the ways to choose another', async () => {
    const first = createApp({ controllers: [Hello] });
    const { port } = await first.listen({ port: 0 });
    const second = createApp({ controllers: [Hello] });
    try {
      const err = await second.listen({ port }).then(() => null, (e: unknown) => e as RivetError);
      expect(err).toBeInstanceOf(RivetError);
      expect(err!.code).toBe('RIVET_LISTEN_PORT_IN_USE');
      expect(err!.message).toBe(`[RIVET_LISTEN_PORT_IN_USE] Port ${port} on 127.0.0.1 is already in use (another process, perhaps another copy of this app, listens there). Stop it, or choose another port: PORT=${port + 1} in the environment or in .env, or rivet dev --port ${port + 1}.`);
      expect(err!.message).not.toContain('\n');
      expect((err!.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
