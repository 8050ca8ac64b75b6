import { Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready with no components, and is the AND of the components otherwise', () => {
    const readiness = new Readiness();
    expect(readiness.isReady()).toBe(true);
    readiness.set('bus', true);
    readiness.set('parts', false, 'building');
    expect(readiness.isReady()).toBe(false);
    expect(readiness.notReady()).toEqual([{ component: 'parts', detail: 'building' }]);
    readiness.set('parts', true);
    expect(readiness.isReady()).toBe(true);
  });

  it('tells listeners only when the overall answer changes', () => {
    const readiness = new Readiness();
    const heard: boolean[] = [];
    const unsubscribe = readiness.onChange((ready) => heard.push(ready));
    readiness.set('bus', false);
    readiness.set('parts', false);
    readiness.set('bus', true);
    readiness.set('parts', true);
    unsubscribe();
    readiness.set('bus', false);
    expect(heard).toEqual([false, true]);
  });
});
