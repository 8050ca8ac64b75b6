// The role table: every method the gateway serves has exactly one row, and the rows are the ones
// docs/gateway.md documents (the page is the contract users read; the code must say the same).
import { SERVED_METHODS } from './gateway-service';
import { ROLE_TABLE, grants, highestRole, rolesGranting } from './gateway-roles';
import { documentedRoles } from '@omega/testkit';

describe('the gateway role table', () => {
  it('has a row for every method the gateway forwards or answers, and none for another', () => {
    const checked = SERVED_METHODS.paths.filter((path) => !SERVED_METHODS.notForwarded.has(path));
    expect([...ROLE_TABLE.keys()].sort()).toEqual([...checked].sort());
  });

  it('says what docs/gateway.md says, row for row', () => {
    const documented = documentedRoles();
    expect(documented.length).toBe(ROLE_TABLE.size);
    for (const row of documented) {
      expect({ path: row.path, ...ROLE_TABLE.get(row.path) }).toEqual(row);
    }
  });

  it('orders the roles: each grants what the ones before it grant', () => {
    expect(rolesGranting('viewer')).toEqual(['viewer', 'responder', 'operator', 'admin']);
    expect(rolesGranting('operator')).toEqual(['operator', 'admin']);
    expect(grants(['responder'], 'viewer')).toBe(true);
    expect(grants(['responder'], 'operator')).toBe(false);
    expect(grants(['viewer', 'admin'], 'operator')).toBe(true);
    expect(grants([], 'viewer')).toBe(false);
    expect(grants(['root'], 'viewer')).toBe(false);
    expect(highestRole(['viewer', 'operator', 'responder'])).toBe('operator');
  });
});
