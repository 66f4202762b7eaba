import { z } from 'zod'
import { AbsolutePath } from './backup'
import { ReasonParams, TokenName, TokenSummary, UpstreamName } from './bridge'
import { channel, NoInput, type ChannelDef } from './define'

/** Which file was read: the app is recognised from the file's shape and name. */
export const ImportFormat = z.enum([
  'claude',
  'cursor',
  'lmstudio',
  'mcp-json',
  'vscode',
  'vscode-settings',
  'dotenv',
])
export type ImportFormat = z.infer<typeof ImportFormat>

/**
 * What the import tells the user (warnings, server notes, why a value is a secret, name clashes, why a
 * server stays in the app or the file cannot be rewritten), as codes the UI translates.
 */
export const ImportNoteCode = z.enum([
  // Warnings of the plan and of the import.
  'lenient_json',
  'vscode_inputs',
  'dotenv_skipped',
  'literal_reference',
  'secret_in_args',
  'token_replaced',
  'secret_stays',
  // Notes on a server.
  'claude_command_only',
  'vscode_type_guessed',
  /** Left in the app: `blocked` is the code of why (one of the blocked_* codes), with its parameters. */
  'left_in_app',
  'keybridge_entry',
  'remote_server',
  'reserved_name',
  // Why a server cannot move to the bridge.
  'blocked_command',
  'blocked_args',
  'blocked_env',
  'blocked_cwd',
  'blocked_env_file',
  'blocked_url',
  'blocked_headers',
  'blocked_not_object',
  'blocked_unknown_shape',
  'blocked_no_type',
  'blocked_bad_type',
  'blocked_vscode_input',
  'blocked_vscode_variable',
  'blocked_remote_url',
  'blocked_arg_secret',
  // Why a value was taken for a secret (`shape`: a token shape id, see ImportShape).
  'secret_shape',
  'secret_shape_scheme',
  'secret_scheme',
  'secret_url_password',
  'secret_name',
  'secret_plain',
  // Names already taken.
  'credential_exists',
  'credential_twice',
  'upstream_exists',
  // Why the file cannot be rewritten.
  'rewrite_dotenv',
  'rewrite_readonly',
  'rewrite_folder_readonly',
])
export type ImportNoteCode = z.infer<typeof ImportNoteCode>

/** Token shapes the import recognises (the `shape` parameter of secret_shape*). */
export const ImportShape = z.enum([
  'github_fine',
  'github',
  'gitlab',
  'anthropic',
  'openai',
  'slack',
  'notion',
  'linear',
  'sentry',
  'huggingface',
  'aws',
  'google',
  'jwt',
])
export type ImportShape = z.infer<typeof ImportShape>

/** One note: its English sentence (the CLI prints it) and the same as a code with parameters. */
export const ImportNote = z.object({ code: ImportNoteCode, params: ReasonParams, message: z.string() })
export type ImportNote = z.infer<typeof ImportNote>

/** Where a secret was found: an env value, a header, a command-line argument or a .env line. */
export const SecretSource = z.object({
  server: z.string().nullable(),
  location: z.enum(['env', 'header', 'arg', 'dotenv']),
  key: z.string(),
})
export type SecretSource = z.infer<typeof SecretSource>

/** A credential name that can appear in `{{credential:service/name.field}}` (so no spaces). */
export const ImportCredentialName = z
  .string()
  .trim()
  .min(1, 'Give the credential a name.')
  .max(64, 'Keep the name under 64 characters.')
  .regex(
    /^[\p{L}\p{N}._-]+$/u,
    'Use letters, digits, dots, dashes or underscores (no spaces: the name is used in references).',
  )

/** One secret found in the file, proposed as a vault credential. Never carries the value, only a mask. */
export const PlannedCredential = z.object({
  /** Stable while the file does not change: `<server>:<location>:<key>` of its first occurrence. */
  id: z.string(),
  service: z.string(),
  serviceName: z.string(),
  field: z.string(),
  name: z.string(),
  include: z.boolean(),
  /** `ghp_…abcd`: enough to recognise it, never enough to use it. */
  masked: z.string(),
  /** Why it was taken for a secret (key name, token shape). */
  reason: z.string(),
  reasonCode: ImportNote.optional(),
  /** Every place the same value appears (one credential for all of them). */
  sources: z.array(SecretSource),
  /** Set when `service/name` is already taken (in the vault or by another item of this plan). */
  conflict: z.string().nullable(),
  conflictCode: ImportNote.nullable().default(null),
  suggestedName: z.string().nullable(),
})
export type PlannedCredential = z.infer<typeof PlannedCredential>

export const PlannedEnv = z.object({
  key: z.string(),
  /** `reference`: `{{credential:...}}`; `literal`: a value that did not look secret (shown as is). */
  kind: z.enum(['reference', 'literal']),
  value: z.string(),
})

/** One server of the app's config and what happens to it. */
export const PlannedServer = z.object({
  /** Its name in the app's config. */
  id: z.string(),
  transport: z.enum(['stdio', 'http', 'sse']),
  /**
   * upstream: becomes an upstream stdio server of the bridge; remote: a URL server, becomes a remote
   * upstream (headers sealed, header secrets imported); keep: left in the app as it is (see notes); keybridge: the bridge's
   * own entry.
   */
  action: z.enum(['upstream', 'remote', 'keep', 'keybridge']),
  include: z.boolean(),
  upstreamName: z.string().nullable(),
  command: z.string().nullable(),
  /** Secrets in arguments are masked. */
  args: z.array(z.string()),
  url: z.string().nullable(),
  env: z.array(PlannedEnv),
  /** Header names (values are never shown). */
  headers: z.array(z.string()),
  credentials: z.array(z.string()),
  conflict: z.string().nullable(),
  conflictCode: ImportNote.nullable().default(null),
  suggestedName: z.string().nullable(),
  notes: z.array(z.string()),
  /** The same notes as codes, in the same order (the UI translates them; `notes` stays for --json). */
  noteCodes: z.array(ImportNote).default([]),
})
export type PlannedServer = z.infer<typeof PlannedServer>

export const RewritePreview = z.object({
  possible: z.boolean(),
  /** Why the file cannot be rewritten (a .env file, a read-only file, ...). */
  reason: z.string().nullable(),
  reasonCode: ImportNote.nullable().default(null),
  /** Unified diff of the rewrite, secrets masked; the client token is minted at apply time. */
  diff: z.string().nullable(),
  /** Servers taken out of the app's config (now served through the bridge, or their secret moved). */
  removes: z.array(z.string()),
  /** Servers left in the app's config. */
  keeps: z.array(z.string()),
})

export const ImportPlan = z.object({
  path: z.string(),
  file: z.string(),
  format: ImportFormat,
  /** Claude Desktop, Cursor, LM Studio, VS Code, .env file. */
  app: z.string(),
  /** Changes when the file changes: apply refuses a plan made from another version of the file. */
  fingerprint: z.string(),
  credentials: z.array(PlannedCredential),
  servers: z.array(PlannedServer),
  warnings: z.array(z.string()),
  /** The same warnings as codes, in the same order (the UI translates them; `warnings` stays for --json). */
  warningCodes: z.array(ImportNote).default([]),
  rewrite: RewritePreview,
})
export type ImportPlan = z.infer<typeof ImportPlan>

export const ImportEdits = z.object({
  credentials: z
    .array(
      z.object({
        id: z.string().min(1),
        name: ImportCredentialName.optional(),
        include: z.boolean().optional(),
      }),
    )
    .max(500)
    .default([]),
  servers: z
    .array(
      z.object({ id: z.string().min(1), name: UpstreamName.optional(), include: z.boolean().optional() }),
    )
    .max(500)
    .default([]),
})
export type ImportEdits = z.infer<typeof ImportEdits>

export const ImportApplyInput = z.object({
  path: AbsolutePath,
  /** The preview's fingerprint: apply refuses when the file changed since. */
  fingerprint: z.string().optional(),
  edits: ImportEdits.default({ credentials: [], servers: [] }),
  /** Rewrite the app's config to use the bridge (its original sealed in the vault for --restore). */
  rewrite: z.boolean().default(false),
  /** Name of the client token minted for the rewritten config (default: derived from the app). */
  tokenName: TokenName.optional(),
})
export type ImportApplyInput = z.input<typeof ImportApplyInput>

export const ImportResult = z.object({
  credentials: z.array(z.object({ id: z.string(), service: z.string(), name: z.string() })),
  upstreams: z.array(z.object({ name: z.string(), from: z.string() })),
  /** The client token written into the rewritten config (its value is only in that file). */
  token: TokenSummary.nullable(),
  rewrite: z
    .object({
      path: z.string(),
      /** Always null now: the original is sealed in the vault (`undo`), never a plaintext .bak beside it. */
      backupPath: z.string().nullable(),
      /** The file actually written: a symlinked config's target (the link is kept). */
      target: z.string(),
      /** How to put the original back. */
      undo: z.object({ savedAt: z.number(), restore: z.string() }),
      diff: z.string(),
    })
    .nullable(),
  warnings: z.array(z.string()),
  warningCodes: z.array(ImportNote).default([]),
})
export type ImportResult = z.infer<typeof ImportResult>

export const importConfigChannels = {
  /** Reads the file and proposes what to import; writes nothing. */
  'importConfig.preview': channel(z.object({ path: AbsolutePath }), ImportPlan),
  /** Applies the (edited) proposal: credentials sealed, upstreams added, optionally the config rewritten. */
  'importConfig.apply': channel(ImportApplyInput, ImportResult),
  /** Puts back the original of a rewritten config from the copy sealed in the vault, and drops the copy. */
  'importConfig.restore': channel(
    z.object({ path: AbsolutePath }),
    z.object({ path: z.string(), target: z.string(), savedAt: z.number(), restoredAt: z.number() }),
  ),
  /** Configs Keybridge rewrote and can restore. */
  'importConfig.undoCopies': channel(
    NoInput,
    z.array(z.object({ path: z.string(), target: z.string(), savedAt: z.number() })),
  ),
} satisfies Record<string, ChannelDef>
