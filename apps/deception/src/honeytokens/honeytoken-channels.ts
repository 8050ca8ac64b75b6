// Starts the honeytoken channels that are on in the configuration besides the canary URL listener:
// the Kubernetes webhook listener (audit and token authentication) and the DNS canary responder.
// Every use they see is recorded on omega.deception.<channel> as the canary listener's are.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Bus } from '@omega/bus';
import { DecoyKind } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import { parseListen, type DnsCanaryConfig, type KubeWebhookConfig } from '../deception-config';
import type { InteractionRecorder } from '../honeypots/honeypot';
import { honeytokenChannelRecorder } from '../interaction-filter';
import { BusInteractionRecorder } from '../interaction-recorder';
import { DNS_DECOY_ID, DnsCanaryResponder } from './dns-canary-responder';
import { dnsCanaryLookup } from './honeytoken-lookups';
import type { HoneytokenMetrics } from './honeytoken-metrics';
import type { HoneytokenRegistry } from './honeytoken-registry';
import {
  KUBE_AUDIT_DECOY_ID,
  KUBE_TOKEN_DECOY_ID,
  auditWebhook,
  tokenWebhook,
} from './kube-honeytoken-webhooks';
import { KubeWebhookServer } from './kube-webhook-server';

export interface ChannelContext {
  readonly bus: Bus;
  readonly registry: HoneytokenRegistry;
  readonly metrics: HoneytokenMetrics;
  readonly logger: Logger;
}

/** The channel's recorder: its events on omega.deception.<decoyId>, each naming its honeytoken. */
function recorder(
  { bus, metrics, logger, registry }: ChannelContext,
  decoyId: string,
  channelName: string,
  address: { ip: string; port: number },
): InteractionRecorder {
  return honeytokenChannelRecorder(
    new BusInteractionRecorder({
      bus,
      decoyId,
      decoyKind: DecoyKind.DECOY_KIND_UNSPECIFIED,
      address,
      node: hostname(),
      logger,
      published: metrics.channelEventsPublished.labels({ channel: decoyId }),
      dropped: metrics.channelEventsDropped.labels({ channel: decoyId }),
    }),
    channelName,
    (id) => registry.get(id),
  );
}

async function readPem(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${setting}: cannot read ${path}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/** The webhook listener kube-apiserver posts audit batches (`/audit`) and TokenReviews to. */
export async function startKubeWebhooks(
  context: ChannelContext,
  config: KubeWebhookConfig,
): Promise<KubeWebhookServer> {
  const setting = 'deception.kubernetes.webhook';
  const tls = {
    certPem: await readPem(config.tlsCertPath, `${setting}.tlsCertPath`),
    keyPem: await readPem(config.tlsKeyPath, `${setting}.tlsKeyPath`),
    clientCaPem: await readPem(config.clientCaPath, `${setting}.clientCaPath`),
  };
  const listen = parseListen(config.listen);
  // The recorders name the listener's address, known once it is bound.
  const bound: { audit?: InteractionRecorder; token?: InteractionRecorder } = {};
  const { metrics, registry } = context;
  const server = await KubeWebhookServer.start({
    listen,
    tls,
    clientNames: config.clientNames,
    logger: context.logger,
    onRequest: (path, outcome) => metrics.kubeWebhookRequests.inc({ path, outcome }),
    handlers: {
      '/audit': auditWebhook({
        registry,
        recorder: { record: (interaction) => bound.audit?.record(interaction) },
        ignoreUsers: config.ignoreUsers,
        listReads: config.listReads,
        onRead: (outcome) => metrics.kubeSecretReads.inc({ outcome }),
      }),
      '/authenticate': tokenWebhook({
        registry,
        recorder: { record: (interaction) => bound.token?.record(interaction) },
        onReview: (honeytoken) => metrics.kubeTokenReviews.inc({ honeytoken: String(honeytoken) }),
      }),
    },
  });
  const address = { ip: server.host, port: server.port };
  bound.audit = recorder(context, KUBE_AUDIT_DECOY_ID, 'Kubernetes audit webhook', address);
  bound.token = recorder(context, KUBE_TOKEN_DECOY_ID, 'Kubernetes token webhook', address);
  context.logger.info(
    { webhook: server.url() },
    `Kubernetes webhook listener on ${server.url()} (/audit, /authenticate)`,
  );
  return server;
}

/** The authoritative DNS responder for the canary zone, on UDP and TCP. */
export async function startDnsCanaries(
  context: ChannelContext,
  config: DnsCanaryConfig,
): Promise<DnsCanaryResponder> {
  const bound: { recorder?: InteractionRecorder } = {};
  const responder = await DnsCanaryResponder.start({
    zone: config.zone,
    listen: parseListen(config.listen),
    nameServers: config.nameServers ?? [`ns1.${config.zone}`],
    hostmaster: config.hostmaster ?? `hostmaster.${config.zone}`,
    queriesPerSecondPerSource: config.queriesPerSecondPerSource,
    maxTcpConnections: config.maxTcpConnections,
    canaryUse: (label) => context.registry.recognize(dnsCanaryLookup(label))[0],
    recorder: { record: (interaction) => bound.recorder?.record(interaction) },
    onQuery: (transport, outcome) => context.metrics.dnsQueries.inc({ transport, outcome }),
    logger: context.logger,
  });
  bound.recorder = recorder(context, DNS_DECOY_ID, 'DNS canary responder', {
    ip: responder.host,
    port: responder.port,
  });
  context.logger.info(
    { zone: config.zone, dns: `${responder.host}:${responder.port}` },
    `DNS canary responder for ${config.zone} on ${responder.host}:${responder.port} (udp, tcp)`,
  );
  return responder;
}
