// The role table as docs/gateway.md states it (between the roles-table markers), for specs that
// check the code and the running gateway against the documented contract.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocumentedRole {
  /** Full gRPC path, e.g. `/omega.v1.GatewayService/WhoAmI`. */
  readonly path: string;
  readonly role: 'anyone' | 'viewer' | 'responder' | 'operator' | 'admin';
  /** Marked ✎: a refusal is audited. */
  readonly changes: boolean;
}

const REFLECTION_ROW = 'grpc.reflection.v1(alpha) ServerReflectionInfo';

export function documentedRoles(
  file = join(__dirname, '..', '..', '..', 'docs', 'gateway.md'),
): DocumentedRole[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- roles-table:start -->');
  const end = text.indexOf('<!-- roles-table:end -->');
  if (start < 0 || end < start) throw new Error(`${file}: roles-table markers not found`);
  const rows: DocumentedRole[] = [];
  for (const line of text.slice(start, end).split('\n')) {
    const cells = /^\|\s*(.+?)\s*\|\s*(anyone|viewer|responder|operator|admin)\s*\|$/.exec(line);
    if (cells === null) continue;
    const [, method, role] = cells as unknown as [string, string, DocumentedRole['role']];
    const changes = method.endsWith('✎');
    const name = method.replace(/\s*✎$/, '');
    if (name === REFLECTION_ROW) {
      for (const version of ['v1', 'v1alpha']) {
        rows.push({
          path: `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
          role,
          changes,
        });
      }
    } else {
      rows.push({ path: `/omega.v1.${name}`, role, changes });
    }
  }
  return rows;
}
