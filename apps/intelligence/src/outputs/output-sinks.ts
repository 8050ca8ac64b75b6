// The sink of each output type: its serializer and transport.
import { alertmanagerAlert } from './alertmanager-alert';
import { falcoPayload } from './falco-payload';
import { httpSink } from './http-sink';
import { kafkaSink } from './kafka-sink';
import { ocsfFinding } from './ocsf-finding';
import type { AlertSink } from './output-queue';
import type { OutputConfig } from './outputs-config';
import { stdoutSink } from './stdout-sink';
import { syslogSink } from './syslog-sink';

export function sinkFor(output: OutputConfig, env: NodeJS.ProcessEnv = process.env): AlertSink {
  switch (output.type) {
    case 'stdout':
      return stdoutSink();
    case 'falcosidekick':
      return httpSink({ ...output, env, body: falcoPayload });
    case 'ocsf-webhook':
      return httpSink({ ...output, env, body: ocsfFinding });
    case 'kafka':
      return kafkaSink(output, env);
    case 'alertmanager':
      return httpSink({
        ...output,
        url: new URL('api/v2/alerts', output.url.endsWith('/') ? output.url : `${output.url}/`)
          .href,
        env,
        body: (alert) => [alertmanagerAlert(alert, output.endsAfterMs)],
      });
    case 'syslog':
      return syslogSink(output);
  }
}
