// Checks a DecoySpec before anything runs (Kubernetes decoys may leave the name to be derived): every field bounded, every refusal naming the field.
// Pure: no I/O.
import { DecoyKind, type DecoySpec } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const MAX_LABELS = 32;
const MAX_BANNER = 256;
const MAX_TTL_SECONDS = 365 * 24 * 3600;
const MAX_TOKENS = 64;

/** Refuses a spec that is not complete and bounded, naming the first field at fault. */
export function checkDecoySpec(
  spec: DecoySpec | undefined,
  method: string,
  built: ReadonlySet<DecoyKind>,
  options: { readonly nameOptional?: boolean } = {},
): DecoySpec {
  const invalid = (field: string, why: string): OmegaError =>
    new OmegaError(Code.InvalidArgument, `${method}: spec.${field}: ${why}`);
  if (spec === undefined) throw new OmegaError(Code.InvalidArgument, `${method}: spec is required`);
  if (!built.has(spec.kind)) {
    const names = [...built].map((kind) => DecoyKind[kind]).join(', ');
    throw invalid(
      'kind',
      `${DecoyKind[spec.kind] ?? spec.kind} is not a decoy this service runs (it runs: ${names})`,
    );
  }
  if (!(options.nameOptional && spec.name === '') && !DNS_LABEL.test(spec.name)) {
    throw invalid(
      'name',
      `${JSON.stringify(spec.name.slice(0, 80))} must be a DNS label (lower case, digits, '-', at most 63)`,
    );
  }
  if (spec.namespace !== '' && !DNS_LABEL.test(spec.namespace)) {
    throw invalid(
      'namespace',
      `${JSON.stringify(spec.namespace.slice(0, 80))} must be a DNS label`,
    );
  }
  if (!(spec.port >= 1 && spec.port <= 65535))
    throw invalid('port', `${spec.port} must be 1-65535`);
  const labels = Object.entries(spec.labels);
  if (labels.length > MAX_LABELS)
    throw invalid('labels', `${labels.length} labels, at most ${MAX_LABELS}`);
  for (const [key, value] of labels) {
    if (!LABEL_KEY.test(key))
      throw invalid(`labels[${JSON.stringify(key.slice(0, 80))}]`, 'not a Kubernetes label key');
    if (!LABEL_VALUE.test(value))
      throw invalid(
        `labels[${JSON.stringify(key)}]`,
        `value ${JSON.stringify(value.slice(0, 80))} is not a Kubernetes label value`,
      );
  }
  if (spec.banner.length > MAX_BANNER || /[\r\n]/.test(spec.banner)) {
    throw invalid('banner', `at most ${MAX_BANNER} characters, one line`);
  }
  if (spec.honeytokenIds.length > MAX_TOKENS) {
    throw invalid('honeytoken_ids', `${spec.honeytokenIds.length} ids, at most ${MAX_TOKENS}`);
  }
  if (spec.ttlSeconds > MAX_TTL_SECONDS)
    throw invalid('ttl_seconds', `${spec.ttlSeconds}, at most ${MAX_TTL_SECONDS} (a year)`);
  return spec;
}
