/** What the code under test writes to stderr while `run` goes on (an app without a logger reports unexpected errors there). */
export async function stderrOf(run: () => Promise<unknown>): Promise<string> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}
