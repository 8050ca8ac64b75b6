// The events wasm.mjs runs the modules over, and the in-process caller of a module.

// A mix like a node's telemetry: 50% flows, 25% DNS, 25% process starts; a few miners and knocks.
export function corpus(Event, n) {
  const out = [];
  const workload = { namespace: 'shop', pod: '', container: 'app', podLabels: {} };
  for (let i = 0; i < n; i++) {
    const pod = `web-${i % 40}`;
    const base = {
      id: `e${i}`,
      timeNs: BigInt(i) * 10_000_000n,
      node: 'node-a',
      workload: { ...workload, pod },
    };
    let event;
    if (i % 4 < 2) {
      const ext = i % 7 === 0;
      event = {
        ...base,
        classUid: 4001,
        srcEndpoint: { ip: `10.1.${i % 40}.7`, port: 30_000 + (i % 20_000) },
        dstEndpoint: {
          ip: ext ? `203.0.113.${i % 200}` : `10.2.0.${i % 50}`,
          port: i % 101 === 0 ? 3333 : [443, 5432, 6379, 8080, 7000][i % 5],
        },
        payload: {
          $case: 'networkActivity',
          value: {
            activityId: 6,
            protocol: 6,
            direction: ext ? 2 : 3,
            tcpFlags: i % 11 === 0 ? 0x02 : 0x1a,
            traffic: { bytesOut: 900n, bytesIn: 1200n, packetsOut: 6n, packetsIn: 6n },
          },
        },
      };
    } else if (i % 4 === 2) {
      const host = i % 97 === 0 ? 'xmr-eu1.nanopool.org' : `svc-${i % 30}.shop.svc.cluster.local`;
      event = {
        ...base,
        classUid: 4003,
        payload: {
          $case: 'dnsActivity',
          value: {
            activityId: 1,
            query: { hostname: host, type: 'A', class: 'IN', packetUid: i & 0xffff },
          },
        },
      };
    } else {
      const miner = i % 211 === 0;
      const name = miner ? 'xmrig' : ['sh', 'node', 'python3', 'curl'][i % 4];
      event = {
        ...base,
        classUid: 1007,
        payload: {
          $case: 'processActivity',
          value: {
            activityId: 1,
            process: {
              pid: 1000 + i,
              name,
              executablePath: `/usr/bin/${name}`,
              cmdLine: `${name} --flag ${i}`,
            },
          },
        },
      };
    }
    out.push(Buffer.from(Event.encode(Event.fromPartial(event)).finish()));
  }
  return out;
}

/** The module called in-process the way its worker calls it. */
export function wasmHandler(bytes) {
  const memory = new WebAssembly.Memory({ initial: 17, maximum: 256 });
  const { exports: x } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory },
    omega_v1: { log() {} },
  });
  let ptr = 0;
  let cap = 0;
  return (event) => {
    if (event.length > cap) ptr = x.omega_input((cap = Math.max(event.length, 4096))) >>> 0;
    new Uint8Array(memory.buffer, ptr, event.length).set(event);
    const n = x.omega_on_event(event.length);
    if (n > 0) memory.buffer.slice(x.omega_output(), x.omega_output() + n);
    return n;
  };
}
