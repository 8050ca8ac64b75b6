#!/usr/bin/env node
// The streaming backend of bench/gateway: a process of its own that enrolls with the stack's trust
// as service/intelligence and answers IntelligenceService/StreamAlerts with `--messages` alerts
// per call, encoded once, written with backpressure, over mutual TLS 1.3 (as a service serves).
// Both paths of the bench reach this one backend: straight, and through the gateway.
//
//   node bench/gateway/stream-backend.mjs --root DIR --data-dir DIR --trust ADDRESS --port N
//     --messages N        (forked by bench.mjs, which waits for its 'ready' message)
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string' },
    'data-dir': { type: 'string' },
    trust: { type: 'string' },
    port: { type: 'string' },
    messages: { type: 'string' },
  },
});
const require = createRequire(join(args.root, 'package.json'));
const grpc = require('@grpc/grpc-js');
const {
  Alert,
  AlertStatus,
  IntelligenceServiceService,
  Severity,
  StreamAlertsResponse,
} = require('@omega/proto');
const {
  bootstrapChannelCredentials,
  enroll,
  joinTokenFromFile,
  serverCredentials,
} = require('@omega/trust-client');

const keys = join(args['data-dir'], 'trust', 'keys');
const caPem = readFileSync(join(keys, 'trust-ca.pem'), 'utf8');
const joinToken = joinTokenFromFile(
  readFileSync(join(keys, 'join-tokens'), 'utf8'),
  'service',
  'intelligence',
);
if (joinToken === undefined) throw new Error('no service/intelligence join token in the stack');
const credentials = await enroll({
  trustAddress: args.trust,
  subjectKind: 'service',
  name: 'intelligence',
  joinToken,
  channelCredentials: bootstrapChannelCredentials(caPem),
});

/** One alert as intelligence streams it (~300 bytes), encoded once: the bench measures the hops. */
const message = Buffer.from(
  StreamAlertsResponse.encode(
    StreamAlertsResponse.fromPartial({
      alert: Alert.fromPartial({
        id: '0193a6f2-7c1e-7b3a-9f2e-4d5c6b7a8e9f',
        timeNs: 1_796_000_000_000_000_000n,
        severity: Severity.SEVERITY_HIGH,
        title: 'Port scan from web-7f9c to db-0',
        ruleId: 'detector:port-scan',
        ruleName: 'Port scan',
        attackTechniqueIds: ['T1046'],
        attackTacticIds: ['TA0007'],
        explanation:
          'web-7f9c opened connections to 412 distinct ports of db-0 within 10 s; the detector fires at 100.',
        confidence: 90,
        status: AlertStatus.ALERT_STATUS_OPEN,
        count: 1,
        node: 'node-a',
        labels: { team: 'payments', env: 'prod' },
      }),
      cursor: 'c1:0000000000012345',
    }),
  ).finish(),
);
const messages = Number(args.messages);

const path = IntelligenceServiceService.streamAlerts.path;
const definition = {
  streamAlerts: {
    path,
    requestStream: false,
    responseStream: true,
    requestDeserialize: (bytes) => bytes,
    responseSerialize: (bytes) => bytes,
  },
};
const server = new grpc.Server();
server.addService(definition, {
  streamAlerts(call) {
    let sent = 0;
    const write = () => {
      while (sent < messages && !call.cancelled) {
        sent++;
        if (!call.write(message)) return void call.once('drain', write);
      }
      if (!call.cancelled) call.end();
    };
    write();
  },
});
await new Promise((resolve, reject) =>
  server.bindAsync(`127.0.0.1:${args.port}`, serverCredentials(credentials), (err) =>
    err ? reject(err) : resolve(),
  ),
);
process.send?.({ ready: true, messageBytes: message.length });
const stop = () => {
  server.forceShutdown();
  process.exit(0);
};
process.on('SIGTERM', stop);
// Never outlives the bench that forked it.
process.on('disconnect', stop);
