// gRPC server reflection (grpc.reflection.v1 and v1alpha) for the gateway: the services it serves,
// described from the contract's descriptor set exactly as buf built it (libs/proto), so tools such
// as grpcurl list and describe them without .proto files.
import type * as grpc from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema, type DescriptorProto } from '@bufbuild/protobuf/wkt';
import { Code, OmegaError, errorMessage, type BidiStreamingHandler } from '@omega/runtime';

const passBytes = (bytes: Buffer): Buffer => bytes;

/**
 * The reflection service whose one method is at `path` (v1 or v1alpha: grpcurl asks for v1 first;
 * both have one message format), with byte-for-byte (de)serializers: the handler decodes.
 */
export function reflectionDefinition(path: string) {
  return {
    serverReflectionInfo: {
      path,
      requestStream: true as const,
      responseStream: true as const,
      requestSerialize: passBytes,
      requestDeserialize: passBytes,
      responseSerialize: passBytes,
      responseDeserialize: passBytes,
    },
  } satisfies grpc.ServiceDefinition;
}

/** The files of a descriptor set by name, and which file defines each fully-qualified symbol. */
export class DescriptorIndex {
  private readonly files = new Map<string, { bytes: Uint8Array; dependencies: string[] }>();
  private readonly fileOfSymbol = new Map<string, string>();

  constructor(descriptorSet: Uint8Array) {
    // FileDescriptorSet { repeated FileDescriptorProto file = 1 }: each file kept as buf wrote it.
    const reader = new BinaryReader(descriptorSet);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field !== 1 || wireType !== WireType.LengthDelimited) {
        reader.skip(wireType);
        continue;
      }
      const bytes = reader.bytes();
      const file = fromBinary(FileDescriptorProtoSchema, bytes);
      this.files.set(file.name, { bytes, dependencies: file.dependency });
      const define = (symbol: string): void => void this.fileOfSymbol.set(symbol, file.name);
      const visit = (message: DescriptorProto, scope: string): void => {
        const name = `${scope}.${message.name}`;
        define(name);
        for (const field of message.field) define(`${name}.${field.name}`);
        for (const nested of message.nestedType) visit(nested, name);
        for (const inner of message.enumType) define(`${name}.${inner.name}`);
      };
      for (const message of file.messageType) visit(message, file.package);
      for (const enumType of file.enumType) define(`${file.package}.${enumType.name}`);
      for (const service of file.service) {
        define(`${file.package}.${service.name}`);
        for (const method of service.method)
          define(`${file.package}.${service.name}.${method.name}`);
      }
    }
  }

  /** The file that defines `symbol` (`omega.v1.Alert`, `omega.v1.TrustService.Sign`). */
  fileDefining(symbol: string): string | undefined {
    return this.fileOfSymbol.get(symbol.replace(/^\./, ''));
  }

  /** The file's serialized FileDescriptorProto, then those of every file it imports, transitively. */
  withDependencies(fileName: string): Uint8Array[] | undefined {
    if (!this.files.has(fileName)) return undefined;
    const order: string[] = [];
    const pending = [fileName];
    while (pending.length > 0) {
      const next = pending.shift() as string;
      if (order.includes(next)) continue;
      order.push(next);
      pending.push(...(this.files.get(next)?.dependencies ?? []));
    }
    return order.flatMap((name) => {
      const file = this.files.get(name);
      return file === undefined ? [] : [file.bytes];
    });
  }
}

// ServerReflectionRequest and ServerReflectionResponse field numbers (grpc/reflection/v1).
const REQUEST = { host: 1, fileByFilename: 3, fileContainingSymbol: 4, listServices: 7 };
const RESPONSE = { validHost: 1, originalRequest: 2, fileDescriptors: 4, services: 6, error: 7 };

/** Answers each reflection request as it comes, for the `services` the server serves. */
export function reflectionHandler(
  index: DescriptorIndex,
  services: readonly string[],
): BidiStreamingHandler<Buffer, Buffer> {
  return async function* (requests, ctx) {
    for await (const request of requests) yield answer(index, services, request, ctx.method);
  };
}

function answer(
  index: DescriptorIndex,
  services: readonly string[],
  request: Buffer,
  method: string,
): Buffer {
  let host = '';
  let question: { field: number; value: string } | undefined;
  try {
    const reader = new BinaryReader(request);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === REQUEST.host && wireType === WireType.LengthDelimited) host = reader.string();
      else if (wireType === WireType.LengthDelimited && field >= 3 && field <= 7) {
        // A string for every question but file_containing_extension (5), answered NOT_FOUND anyway.
        question = { field, value: field === 5 ? '' : reader.string() };
        if (field === 5) reader.skip(WireType.LengthDelimited);
      } else reader.skip(wireType);
    }
  } catch (err) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${method}: the request is not a valid ServerReflectionRequest: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const writer = new BinaryWriter();
  writer.tag(RESPONSE.validHost, WireType.LengthDelimited).string(host);
  writer.tag(RESPONSE.originalRequest, WireType.LengthDelimited).bytes(request);
  const files = (bytes: Uint8Array[]): void => {
    writer.tag(RESPONSE.fileDescriptors, WireType.LengthDelimited).fork();
    for (const file of bytes) writer.tag(1, WireType.LengthDelimited).bytes(file);
    writer.join();
  };
  const error = (code: Code, message: string): void => {
    writer.tag(RESPONSE.error, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.Varint).int32(code).tag(2, WireType.LengthDelimited).string(message);
    writer.join();
  };
  if (question?.field === REQUEST.listServices) {
    writer.tag(RESPONSE.services, WireType.LengthDelimited).fork();
    for (const name of services) {
      writer.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(name);
      writer.join();
    }
    writer.join();
  } else if (question?.field === REQUEST.fileByFilename) {
    const found = index.withDependencies(question.value);
    if (found === undefined) error(Code.NotFound, `no file ${question.value} in the contract`);
    else files(found);
  } else if (question?.field === REQUEST.fileContainingSymbol) {
    const file = index.fileDefining(question.value);
    const found = file === undefined ? undefined : index.withDependencies(file);
    if (found === undefined) error(Code.NotFound, `no symbol ${question.value} in the contract`);
    else files(found);
  } else if (question !== undefined) {
    error(Code.NotFound, 'the contract (omega.v1) defines no extensions');
  } else {
    error(Code.InvalidArgument, `${method}: the request asks nothing`);
  }
  return Buffer.from(writer.finish());
}
