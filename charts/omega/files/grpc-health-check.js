// The chart's `helm test`: standard gRPC health check of $TARGET; exit 0 only on SERVING.
const grpc = require('@grpc/grpc-js');
const { service } = require('grpc-health-check');
const Health = grpc.makeGenericClientConstructor(service, 'Health');
const target = process.env.TARGET;
const client = new Health(target, grpc.credentials.createInsecure());
client.check({ service: '' }, { deadline: Date.now() + 15000 }, (err, reply) => {
  if (err) {
    console.error(`gRPC health of ${target}: ${err.message}`);
    process.exit(1);
  }
  const status = reply.status;
  console.log(`gRPC health of ${target}: ${status}`);
  process.exit(status === 'SERVING' || status === 1 ? 0 : 1);
});
