// The chart's `helm test` without TLS (development mode): standard gRPC health check of $TARGET;
// exit 0 only on SERVING. With TLS the test logs in instead (gateway-login-check.js).
const target = process.env.TARGET;
const fail = (message) => {
  console.error(message);
  process.exit(1);
};
const grpc = require('@grpc/grpc-js');
const { service } = require('grpc-health-check');
const Health = grpc.makeGenericClientConstructor(service, 'Health');
const client = new Health(target, grpc.credentials.createInsecure());
client.check({ service: '' }, { deadline: Date.now() + 15000 }, (err, reply) => {
  if (err) fail(`gRPC health of ${target}: ${err.message}`);
  const status = reply.status;
  console.log(`gRPC health of ${target}: ${status}`);
  process.exit(status === 'SERVING' || status === 1 ? 0 : 1);
});
