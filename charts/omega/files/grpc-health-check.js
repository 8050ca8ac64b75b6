// The chart's `helm test`. Without TLS: standard gRPC health check of $TARGET; exit 0 only on
// SERVING. With TLS ($CA_FILE set; the test pod has no client certificate, so it cannot call
// gRPC): the gateway's TLS certificate must chain to the trust CA and name $SUBJECT, and its
// readiness endpoint ($READYZ) must answer 200.
const target = process.env.TARGET;
const fail = (message) => {
  console.error(message);
  process.exit(1);
};
if (process.env.CA_FILE) {
  const tls = require('node:tls');
  const http = require('node:http');
  const ca = require('node:fs').readFileSync(process.env.CA_FILE, 'utf8');
  const [host, port] = target.split(':');
  const socket = tls.connect(
    { host, port: Number(port), ca, ALPNProtocols: ['h2'], checkServerIdentity: () => undefined },
    () => {
      const names = socket.getPeerCertificate().subjectaltname || '';
      socket.destroy();
      if (!names.includes(process.env.SUBJECT))
        fail(`TLS of ${target}: certificate names ${names}, not ${process.env.SUBJECT}`);
      console.log(`TLS of ${target}: certificate from the trust CA for ${process.env.SUBJECT}`);
      http
        .get(process.env.READYZ, { timeout: 15000 }, (res) => {
          console.log(`${process.env.READYZ}: HTTP ${res.statusCode}`);
          process.exit(res.statusCode === 200 ? 0 : 1);
        })
        .on('error', (err) => fail(`${process.env.READYZ}: ${err.message}`));
    },
  );
  socket.setTimeout(15000, () => fail(`TLS of ${target}: no handshake within 15 s`));
  socket.on('error', (err) => fail(`TLS of ${target}: ${err.message}`));
} else {
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
}
