// Omega identity subjects, `omega://<cluster>/<kind>/<name>`: what trust issues and peers check.
import { Code, OmegaError } from '@omega/runtime';
import { IdentityKind } from '@omega/proto';

export const SUBJECT_SCHEME = 'omega://';

/** The kinds of workload that enroll, as they appear in a subject. */
export const SUBJECT_KINDS = ['sentinel', 'service', 'edge', 'operator'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface Subject {
  /** Trust domain, e.g. `local` or the cluster's name. */
  readonly cluster: string;
  readonly kind: SubjectKind;
  /** The node for a sentinel, the service name for a service, ... */
  readonly name: string;
}

/** DNS-label-like: lowercase letters, digits, '-' and '.', starting and ending alphanumeric. */
const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;
const CLUSTER_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const KIND_TO_PROTO: Record<SubjectKind, IdentityKind> = {
  sentinel: IdentityKind.IDENTITY_KIND_SENTINEL,
  service: IdentityKind.IDENTITY_KIND_SERVICE,
  edge: IdentityKind.IDENTITY_KIND_EDGE,
  operator: IdentityKind.IDENTITY_KIND_OPERATOR,
};

export function isSubjectKind(kind: string): kind is SubjectKind {
  return (SUBJECT_KINDS as readonly string[]).includes(kind);
}

/** The proto enum for a subject kind. */
export function identityKindOf(kind: SubjectKind): IdentityKind {
  return KIND_TO_PROTO[kind];
}

/** The subject kind for a proto enum; InvalidArgument for UNSPECIFIED and TRUST_ROOT. */
export function subjectKindOf(kind: IdentityKind): SubjectKind {
  const found = SUBJECT_KINDS.find((k) => KIND_TO_PROTO[k] === kind);
  if (found === undefined) {
    throw new OmegaError(
      Code.InvalidArgument,
      `identity kind ${IdentityKind[kind] ?? kind} cannot enroll: use one of ${SUBJECT_KINDS.join(', ')}`,
    );
  }
  return found;
}

/** Throws InvalidArgument naming the bad part. */
export function checkSubject(subject: Subject): void {
  if (!CLUSTER_PATTERN.test(subject.cluster)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject cluster ${JSON.stringify(subject.cluster)} is malformed: use 1-63 lowercase letters, digits and '-'`,
    );
  }
  if (!isSubjectKind(subject.kind)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject kind ${JSON.stringify(subject.kind)} is unknown: use one of ${SUBJECT_KINDS.join(', ')}`,
    );
  }
  if (!NAME_PATTERN.test(subject.name)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject name ${JSON.stringify(subject.name)} is malformed: use 1-253 lowercase letters, digits, '-' and '.'`,
    );
  }
}

/** `omega://<cluster>/<kind>/<name>`, after checking each part. */
export function formatSubject(subject: Subject): string {
  checkSubject(subject);
  return `${SUBJECT_SCHEME}${subject.cluster}/${subject.kind}/${subject.name}`;
}

/** The parts of `omega://<cluster>/<kind>/<name>`; InvalidArgument for anything else. */
export function parseSubject(text: string): Subject {
  if (!text.startsWith(SUBJECT_SCHEME)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject ${JSON.stringify(text.slice(0, 100))} does not start with ${SUBJECT_SCHEME}`,
    );
  }
  const parts = text.slice(SUBJECT_SCHEME.length).split('/');
  if (parts.length !== 3) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject ${JSON.stringify(text.slice(0, 100))} must have the form ${SUBJECT_SCHEME}<cluster>/<kind>/<name>`,
    );
  }
  const [cluster, kind, name] = parts as [string, string, string];
  const subject = { cluster, kind: kind as SubjectKind, name };
  checkSubject(subject);
  return subject;
}
