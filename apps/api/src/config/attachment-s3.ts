/**
 * ATTACHMENT_S3_*: the optional S3-compatible bucket for attachment files (docs/attachments.md,
 * "Files"; docs/operations.md, "Attachment files in a bucket"). Unset: the files stay under
 * DATA_DIR. Read once at start; every problem is named, so a bad setting stops the start rather
 * than the first upload.
 */
export interface AttachmentS3Settings {
  /** null: Amazon S3 itself (the SDK's address for the region). */
  endpoint: string | null;
  bucket: string;
  region: string;
  /** Both null: the SDK's own chain (AWS_* variables, a role of the machine). */
  accessKeyId: string | null;
  secretAccessKey: string | null;
  /** `http://host/bucket/key` rather than `http://bucket.host/key` (MinIO and most S3-compatible servers). */
  forcePathStyle: boolean;
}

export const ATTACHMENT_S3_VARIABLES = [
  'ATTACHMENT_S3_ENDPOINT',
  'ATTACHMENT_S3_BUCKET',
  'ATTACHMENT_S3_REGION',
  'ATTACHMENT_S3_ACCESS_KEY_ID',
  'ATTACHMENT_S3_SECRET_ACCESS_KEY',
  'ATTACHMENT_S3_FORCE_PATH_STYLE',
] as const;

/** S3's rule for bucket names: 3–63 lower-case letters, digits, dots and hyphens, a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;

/** The settings, or null when none of the variables is set; problems are pushed, named by variable. */
export function readAttachmentS3(env: NodeJS.ProcessEnv, problems: string[]): AttachmentS3Settings | null {
  const value = (name: (typeof ATTACHMENT_S3_VARIABLES)[number]) => env[name]?.trim() || null;
  if (ATTACHMENT_S3_VARIABLES.every((name) => value(name) === null)) return null;
  const before = problems.length;

  const endpoint = value('ATTACHMENT_S3_ENDPOINT');
  let normalizedEndpoint: string | null = null;
  if (endpoint) {
    try {
      const url = new URL(endpoint);
      if (!['http:', 'https:'].includes(url.protocol))
        problems.push(`ATTACHMENT_S3_ENDPOINT must start with http:// or https://, got "${endpoint}"`);
      else if (url.username || url.password)
        problems.push(
          'ATTACHMENT_S3_ENDPOINT must not hold credentials: set ATTACHMENT_S3_ACCESS_KEY_ID and _SECRET_ACCESS_KEY',
        );
      else if (url.search || url.hash)
        problems.push(`ATTACHMENT_S3_ENDPOINT is the server's address only, without ? or #, got "${endpoint}"`);
      else normalizedEndpoint = url.href.replace(/\/$/, '');
    } catch {
      problems.push(`ATTACHMENT_S3_ENDPOINT is not a URL (expected http(s)://host:port), got "${endpoint}"`);
    }
  }

  const bucket = value('ATTACHMENT_S3_BUCKET');
  if (!bucket) problems.push('ATTACHMENT_S3_BUCKET is needed when any ATTACHMENT_S3_* setting is given');
  else if (!BUCKET.test(bucket) || bucket.includes('..'))
    problems.push(
      `ATTACHMENT_S3_BUCKET must be a bucket name (3 to 63 lower-case letters, digits, dots and hyphens), got "${bucket}"`,
    );

  const region = value('ATTACHMENT_S3_REGION') ?? 'us-east-1';
  if (!REGION.test(region))
    problems.push(`ATTACHMENT_S3_REGION must be a region name such as us-east-1, got "${region}"`);

  const accessKeyId = value('ATTACHMENT_S3_ACCESS_KEY_ID');
  const secretAccessKey = value('ATTACHMENT_S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === null) !== (secretAccessKey === null))
    problems.push(
      'ATTACHMENT_S3_ACCESS_KEY_ID and ATTACHMENT_S3_SECRET_ACCESS_KEY go together: set both, or neither (the SDK then finds its own credentials)',
    );

  const rawPathStyle = value('ATTACHMENT_S3_FORCE_PATH_STYLE');
  let forcePathStyle = false;
  if (rawPathStyle !== null) {
    if (['1', 'true', 'yes'].includes(rawPathStyle.toLowerCase())) forcePathStyle = true;
    else if (!['0', 'false', 'no'].includes(rawPathStyle.toLowerCase()))
      problems.push(`ATTACHMENT_S3_FORCE_PATH_STYLE must be 1 or 0 (true/false), got "${rawPathStyle}"`);
  }

  if (problems.length > before) return null;
  return {
    endpoint: normalizedEndpoint,
    bucket: bucket!,
    region,
    accessKeyId,
    secretAccessKey,
    forcePathStyle,
  };
}
