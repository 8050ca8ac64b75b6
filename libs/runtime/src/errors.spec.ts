// Code is gRPC's status, checked against grpc-js itself: the numbers map to a status at the edge
// unchanged, and codeName spells each as grpc-js's `status` enum does, lower-cased.
import { status } from '@grpc/grpc-js';
import { Code, codeName } from './errors';

it('has one code per grpc-js status but OK, with the same number and name', () => {
  const grpcStatuses = Object.values(status).filter(
    (v): v is status => typeof v === 'number' && v !== status.OK,
  );
  const codes = Object.values(Code).filter((v): v is Code => typeof v === 'number');
  expect(codes).toEqual(grpcStatuses);
  for (const code of codes) expect(codeName(code)).toBe(status[code]?.toLowerCase());
});
