// The sink of each output type: its serializer and transport.
import type { AlertSink } from './output-queue';
import type { OutputConfig } from './outputs-config';
import { stdoutSink } from './stdout-sink';

export function sinkFor(output: OutputConfig): AlertSink {
  switch (output.type) {
    case 'stdout':
      return stdoutSink();
    default:
      throw new Error(`output type ${output.type} is not built yet`);
  }
}
