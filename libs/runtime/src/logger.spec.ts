import { LogCapture } from './fixtures/echo-service';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('writes one JSON line per event with the service, a level label and an ISO time', () => {
    const capture = new LogCapture();
    const logger = createLogger({ service: 'trust', destination: capture });
    logger.info({ identity: 'node-7' }, 'identity issued');
    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).toMatchObject({
      level: 'info',
      service: 'trust',
      identity: 'node-7',
      msg: 'identity issued',
      pid: process.pid,
    });
    expect(new Date(String(capture.lines[0]?.['time'])).toISOString()).toBe(
      capture.lines[0]?.['time'],
    );
  });

  it('drops events below its level', () => {
    const capture = new LogCapture();
    const logger = createLogger({ service: 'trust', level: 'warn', destination: capture });
    logger.info('quiet');
    logger.warn('loud');
    expect(capture.messages()).toEqual(['loud']);
  });
});
