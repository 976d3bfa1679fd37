/** A minimal sandbox used to test the framework itself: a counter resource. */
import { Sandbox } from '../framework/sandbox';

interface EchoState {
  counter: number;
}

export function createSandbox(fixture?: unknown): Sandbox<EchoState> {
  const start =
    typeof fixture === 'object' && fixture !== null && 'counter' in fixture ? Number(fixture.counter) : 0;
  return new Sandbox<EchoState>('echo', () => ({ counter: start }))
    .route('GET', '/counter', (_req, s) => ({ status: 200, json: { counter: s.counter } }))
    .route('POST', '/counter/:by', (req, s) => {
      s.counter += Number(req.params.by);
      return { status: 201, json: { counter: s.counter } };
    });
}
