// @omega/auditlog is pure: loading it must not start a server stack (logger, metrics, tracing), which
// it would if an error import went through @omega/runtime instead of @omega/errors.
const SERVER_STACK = ['@omega/runtime', 'pino', 'prom-client', '@opentelemetry/api'];

it('loads none of the server stack', () => {
  const loaded: string[] = [];
  jest.isolateModules(() => {
    for (const name of SERVER_STACK) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    jest.requireActual('./index');
  });
  expect(loaded).toEqual([]);
});
