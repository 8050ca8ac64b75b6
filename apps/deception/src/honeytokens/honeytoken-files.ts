// File honeytokens' contents (pure): a credentials file in the shape its tools read, holding a
// freshly minted secret. Randomness is passed in.
import {
  humanPassword,
  mintAccessKey,
  type MintedValue,
  type RandomBytes,
} from './honeytoken-values';

export interface MintedFile extends MintedValue {
  /** The whole file, holding `secret` (and `id`). */
  readonly content: string;
}

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1'] as const;

/** What a file at `path` holds: a PostgreSQL password file when named .pgpass, else AWS credentials. */
export function fileFormatOf(path: string): 'pgpass' | 'aws-credentials' {
  return path.slice(path.lastIndexOf('/') + 1) === '.pgpass' ? 'pgpass' : 'aws-credentials';
}

/** The content of a new file honeytoken at `path` (format by fileFormatOf), with a new secret. */
export function mintFile(random: RandomBytes, path: string): MintedFile {
  if (fileFormatOf(path) === 'pgpass') {
    // hostname:port:database:username:password, the libpq password file (mode 0600 or it is ignored)
    const secret = humanPassword(random);
    return {
      id: 'postgres',
      secret,
      content: `# primary\ndb-primary:5432:*:postgres:${secret}\n`,
    };
  }
  const key = mintAccessKey(random);
  const region = REGIONS[random(1)[0]! % REGIONS.length]!;
  return {
    ...key,
    // the shared credentials file as `aws configure` writes it
    content: `[default]\naws_access_key_id = ${key.id}\naws_secret_access_key = ${key.secret}\nregion = ${region}\n`,
  };
}
