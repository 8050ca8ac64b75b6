// Example module in AssemblyScript (WASM module ABI v1, wasm/README.md): a shell started inside a
// pod is labelled, and a shell whose command line opens a /dev/tcp socket (the bash reverse-shell
// idiom) raises a HIGH finding (ATT&CK T1059.004). Built with `asc` (see asconfig.json).
import { Reader, Writer } from './protobuf';

const ABI_VERSION: i32 = 1;
const PROCESS_ACTIVITY: u64 = 1007;
const SEVERITY_HIGH: u64 = 4;
const SHELLS: string[] = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh'];

let input: usize = 0;
let inputCapacity: i32 = 0;
const output = new Writer(4096);

export function omega_abi_version(): i32 {
  return ABI_VERSION;
}

export function omega_input(capacity: i32): usize {
  if (capacity > inputCapacity) {
    if (input != 0) heap.free(input);
    input = heap.alloc(<usize>capacity);
    inputCapacity = capacity;
  }
  return input;
}

export function omega_output(): usize {
  return output.start;
}

export function omega_on_event(len: i32): i32 {
  let classUid: u64 = 0;
  let pod = '';
  let namespace = '';
  let name = '';
  let cmdLine = '';
  const event = new Reader(input, <usize>len);
  while (!event.done()) {
    const key = event.key();
    const field = key >> 3;
    if (field == 3 && (key & 7) == 0) classUid = event.varint();
    else if (field == 10 && (key & 7) == 2) {
      const workload = event.message();
      while (!workload.done()) {
        const k = workload.key();
        if (k == (1 << 3) + 2) namespace = workload.string();
        else if (k == (2 << 3) + 2) pod = workload.string();
        else workload.skip(k);
      }
    } else if (field == 16 && (key & 7) == 2) {
      const activity = event.message();
      while (!activity.done()) {
        const k = activity.key();
        if (k != (2 << 3) + 2) {
          activity.skip(k);
          continue;
        }
        const process = activity.message();
        while (!process.done()) {
          const p = process.key();
          if (p == (3 << 3) + 2) name = process.string();
          else if (p == (6 << 3) + 2) cmdLine = process.string();
          else process.skip(p);
        }
      }
    } else event.skip(key);
    if (event.failed) return -1;
  }
  if (classUid != PROCESS_ACTIVITY || pod.length == 0 || !SHELLS.includes(name)) return 0;
  output.reset();
  output.mapEntry(1, 'shell', name);
  if (cmdLine.includes('/dev/tcp/') || cmdLine.includes('/dev/udp/')) {
    const finding = new Writer(1024);
    finding.varintField(1, SEVERITY_HIGH);
    finding.stringField(2, 'Reverse shell in pod ' + namespace + '/' + pod);
    finding.stringField(
      3,
      name +
        ' in pod ' +
        namespace +
        '/' +
        pod +
        ' ran "' +
        cmdLine +
        '", which connects a shell to a remote socket.',
    );
    finding.stringField(4, 'T1059.004');
    output.bytesField(2, finding.start, finding.length);
    heap.free(finding.start);
  }
  return output.length;
}
