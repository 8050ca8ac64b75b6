// The chart's `helm test` with TLS: logs in to the gateway at $TARGET (its Service DNS name, which
// its certificate names) with the first admin token ($TOKEN_FILE, from the Secret $TOKEN_SECRET
// the gateway writes at its first start), verifying the gateway with the trust CA ($CA_FILE), and
// calls GatewayService.WhoAmI and IntelligenceService.ListAlerts through it. Needs only Node.js
// and @grpc/grpc-js (in the gateway image); messages are read from the protobuf wire format.
const { readFileSync } = require('node:fs');
const grpc = require('@grpc/grpc-js');

const { TARGET: target, CA_FILE: caFile, TOKEN_FILE: tokenFile } = process.env;
const secret = process.env.TOKEN_SECRET || 'the gateway admin token Secret';
const deadlineMs = Number(process.env.DEADLINE_MS || 15000);

function fail(message) {
  console.error(`helm test: ${message}`);
  process.exit(1);
}

/** Top-level fields of a protobuf message: [fieldNumber, value] (bytes for length-delimited). */
function fields(buf) {
  const out = [];
  let at = 0;
  const varint = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length) throw new Error('truncated varint');
      const byte = buf[at++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const [field, wire] = [tag >>> 3, tag & 7];
    if (wire === 0) out.push([field, varint()]);
    else if (wire === 1) (out.push([field, buf.subarray(at, at + 8)]), (at += 8));
    else if (wire === 5) (out.push([field, buf.subarray(at, at + 4)]), (at += 4));
    else if (wire === 2) {
      const length = Number(varint());
      out.push([field, buf.subarray(at, at + length)]);
      at += length;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (at > buf.length) throw new Error('truncated field');
  }
  return out;
}
const strings = (buf, number) =>
  fields(buf)
    .filter(([field]) => field === number)
    .map(([, value]) => Buffer.from(value).toString('utf8'));

let token = '';
try {
  token = readFileSync(tokenFile, 'utf8').trim();
} catch (err) {
  if (err.code !== 'ENOENT') fail(`cannot read ${tokenFile}: ${err.message}`);
}
if (!token) {
  fail(
    `no admin token at ${tokenFile}: the gateway writes it to the Secret ${secret} (key token) at ` +
      'its first start; check the gateway is running and its log, then run helm test again',
  );
}
let ca;
try {
  ca = readFileSync(caFile);
} catch (err) {
  fail(`cannot read the trust CA ${caFile}: ${err.message}`);
}

// $SERVER_NAME: the name to verify when $TARGET is not it (tests dial an address).
const serverName = process.env.SERVER_NAME;
const client = new grpc.Client(
  target,
  grpc.credentials.createSsl(ca),
  serverName
    ? { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName }
    : {},
);
const asIs = (b) => b;
function call(path, request) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      asIs,
      asIs,
      request,
      metadata,
      { deadline: Date.now() + deadlineMs },
      (err, reply) => (err ? reject(err) : resolve(reply)),
    );
  });
}
const why = (path, err) =>
  `${path} through ${target}: ${grpc.status[err.code] ?? err.code} ${err.details || err.message}`;

(async () => {
  const whoAmIPath = '/omega.v1.GatewayService/WhoAmI';
  let principal;
  try {
    const reply = await call(whoAmIPath, Buffer.alloc(0));
    principal = fields(reply).find(([field]) => field === 1)?.[1] ?? Buffer.alloc(0);
  } catch (err) {
    fail(why(whoAmIPath, err));
  }
  const [id = ''] = strings(principal, 1);
  const roles = strings(principal, 3);
  if (!id || id === 'anonymous')
    fail(
      `${whoAmIPath}: the gateway did not accept the token (it answered as '${id || 'nobody'}')`,
    );
  console.log(`${whoAmIPath} through ${target}: ${id} (roles: ${roles.join(', ') || 'none'})`);

  const listAlertsPath = '/omega.v1.IntelligenceService/ListAlerts';
  try {
    // ListAlertsRequest { page_size: 10 }
    const reply = await call(listAlertsPath, Buffer.from([0x10, 10]));
    const alerts = fields(reply).filter(([field]) => field === 1).length;
    console.log(`${listAlertsPath} through ${target}: ${alerts} alert(s) on the first page`);
  } catch (err) {
    fail(why(listAlertsPath, err));
  }
  client.close();
  process.exit(0);
})().catch((err) => fail(err.stack || String(err)));
