import { describe, expect, it } from 'vitest'
import { en } from '../../../renderer/src/i18n/en'
import { fr } from '../../../renderer/src/i18n/fr'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('renderer dictionaries', () => {
  it('French has exactly the English keys', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort())
  })

  it('every translation is non-empty and uses the same {placeholders}', () => {
    for (const [key, text] of Object.entries(en)) {
      const french = fr[key as keyof typeof en]
      expect(french.trim(), key).not.toBe('')
      expect(placeholders(french), key).toEqual(placeholders(text))
    }
  })
})

import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ERROR_KEYS, ErrorCode } from '../../../shared/errors'
import { RollbackKind } from '../../../shared/ipc/vault'
import { MAC_TABLES } from '../../../electron/core/vault/mac-tables'
import { CATALOG } from '../../../electron/core/providers/catalog'
import { catalogFr } from '../../../renderer/src/i18n/catalog-fr'
import { format } from '../../../renderer/src/i18n/translate'
import { errorText } from '../../../renderer/src/lib/error-text'
import { callReasonKey, callReasonText } from '../../../renderer/src/lib/reason-text'
import { upstreamErrorText } from '../../../renderer/src/lib/upstream-error-text'
import { UPSTREAM_ERROR_VARIANTS } from '../../../renderer/src/lib/upstream-error-key'
import { CallReason, DenyReason, UpstreamErrorCode } from '../../../shared/ipc/bridge'
import { ImportNoteCode, ImportShape } from '../../../shared/ipc/importConfig'
import { KeychainIssue } from '../../../shared/ipc/vault'
import { IMPORT_NOTE_VARIANTS, importNoteText } from '../../../renderer/src/lib/import-note-text'
import { formatDuration, reasonText } from '../../../renderer/src/features/activity/words'

/** Every .ts file under electron/core (the texts the core can send). */
function coreSources(dir = join(__dirname, '../../../electron/core')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return coreSources(p)
    return p.endsWith('.ts') ? [readFileSync(p, 'utf8')] : []
  })
}

describe('everything the core sends has French words', () => {
  const dict = fr as Record<string, string>
  const english = en as Record<string, string>

  it('every error code (shared/errors.ts) has its own French sentence', () => {
    for (const code of ErrorCode.options) {
      const key = `errorCode.${code}`
      expect(dict[key], key).toBeTruthy()
      expect(dict[key], key).not.toBe(english[key])
    }
  })

  it('every message key the core throws with (shared/errors.ts ERROR_KEYS) has English and French text', () => {
    for (const k of ERROR_KEYS) {
      expect(english[`error.${k}`], k).toBeTruthy()
      expect(dict[`error.${k}`], k).toBeTruthy()
    }
  })

  it('every audit action the core records reads in words, in both languages', () => {
    const actions = new Set(
      coreSources().flatMap((src) => [...src.matchAll(/action: '([a-z_]+)'/g)].map((m) => m[1])),
    )
    // Actions passed as a value (e.g. audited('token_created', ...)) are found by their quoted name too.
    for (const src of coreSources()) {
      for (const m of src.matchAll(/audited\(call\)\(\s*'([a-z_]+)'/g)) actions.add(m[1])
      // ... and either side of a choice (`action: renamed ? 'renamed' : 'updated'`).
      for (const m of src.matchAll(/action: [^,\n]*\? '([a-z_]+)' : '([a-z_]+)'/g)) {
        actions.add(m[1])
        actions.add(m[2])
      }
    }
    expect(actions.size).toBeGreaterThan(20)
    for (const a of actions) {
      expect(english[`audit.action.${a}`], a).toBeTruthy()
      expect(dict[`audit.action.${a}`], a).toBeTruthy()
    }
  })

  it('every bridge denial and failure reason (shared CallReason) has its own French sentence', () => {
    const keys = [
      ...CallReason.options.map((r) => `callReason.${r}`),
      'callReason.headless_untrusted',
      'callReason.approval_queue_full',
    ]
    for (const r of DenyReason.options) expect(CallReason.options, r).toContain(r)
    for (const key of keys) {
      expect(english[key], key).toBeTruthy()
      expect(dict[key], key).toBeTruthy()
      expect(dict[key], key).not.toBe(english[key])
    }
    const scope = { why: 'scope' as const, params: { client: 'ci', scopes: 'github/*', tool: 'ha_call' } }
    const fr1 = callReasonText(scope, (k, v) => format('fr', dict[k], v), 'fr')
    expect(fr1).toBe('le jeton client « ci » est limité à github/* et ne couvre pas ha_call')
    expect(callReasonKey({ why: 'approval_queue', params: { queue: 'full', max: 20 } })).toBe(
      'callReason.approval_queue_full',
    )
  })

  it('every upstream error code (shared UpstreamErrorCode) has its own French sentence', () => {
    const keys = [...UpstreamErrorCode.options.map((c) => `upstreamError.${c}`), ...UPSTREAM_ERROR_VARIANTS]
    for (const key of keys) {
      expect(english[key], key).toBeTruthy()
      expect(dict[key], key).toBeTruthy()
      // Only a sentence that is all parameter ('{errorText}') may read the same.
      if (!/^\{\w+\}$/.test(english[key])) expect(dict[key], key).not.toBe(english[key])
    }
    const t = (k: string, v?: Record<string, string | number>) => format('fr', dict[k], v)
    const missing = {
      lastError: 'command not found: nope; stopped after 3 failures in 30 s (restart it by hand)',
      lastErrorCode: 'spawn_failed',
      lastErrorParams: { command: 'nope', errno: 'ENOENT', failures: 3, windowSeconds: 30 },
    }
    expect(upstreamErrorText(missing, t as never, 'fr')).toBe(
      'commande introuvable : nope. Arrêté après 3 échecs en 30 s : redémarrez-le à la main.',
    )
    expect(upstreamErrorText(missing, t as never, 'en')).toBe(missing.lastError)
    const locked = {
      lastError: 'The vault is locked.',
      lastErrorCode: 'env_unresolved',
      lastErrorParams: { env: 'GH_TOKEN', errorCode: 'VAULT_LOCKED' },
    }
    expect(upstreamErrorText(locked, t as never, 'fr')).toBe(
      `la valeur de GH_TOKEN n’a pas pu être résolue : ${fr['errorCode.VAULT_LOCKED']}`,
    )
  })

  it('every import note code and token shape (shared ImportNoteCode, ImportShape) has its own French sentence', () => {
    const keys = [
      ...ImportNoteCode.options.map((c) => `importNote.${c}`),
      ...ImportShape.options.map((c) => `importShape.${c}`),
      ...IMPORT_NOTE_VARIANTS,
    ]
    for (const key of keys) {
      expect(english[key], key).toBeTruthy()
      expect(dict[key], key).toBeTruthy()
      expect(dict[key], key).not.toBe(english[key])
    }
    const t = (k: string, v?: Record<string, string | number>) => format('fr', dict[k], v)
    const left = {
      code: 'left_in_app' as const,
      params: { app: 'VS Code', blocked: 'blocked_vscode_variable', variable: '${workspaceFolder}' },
      message: 'Left in VS Code as it is: it uses ${workspaceFolder}, which only VS Code can fill in.',
    }
    expect(importNoteText(left, t as never, 'fr')).toBe(
      'Laissé tel quel dans VS Code : il utilise ${workspaceFolder}, que seul VS Code sait remplir.',
    )
    expect(importNoteText(left, t as never, 'en')).toBe(left.message)
    const shape = { code: 'secret_shape' as const, params: { shape: 'github' }, message: 'GitHub token (…)' }
    expect(importNoteText(shape, t as never, 'fr')).toBe('jeton GitHub (reconnu à sa forme)')
    const skipped = {
      code: 'dotenv_skipped' as const,
      params: { file: '.env', lines: '3, 7', n: 2 },
      message: '',
    }
    expect(importNoteText(skipped, t as never, 'fr')).toBe(
      '.env : 2 lignes ne sont pas au format CLÉ=VALEUR et ont été ignorées (3, 7).',
    )
  })

  it('every OS keychain issue (shared KeychainIssue) has French', () => {
    for (const c of KeychainIssue.options) {
      const key = `keychainIssue.${c}`
      expect(english[key], key).toBeTruthy()
      expect(dict[key], key).toBeTruthy()
      expect(dict[key], key).not.toBe(english[key])
    }
  })

  it('every catalog label and hint has a French entry', () => {
    for (const s of CATALOG)
      for (const f of s.fields) {
        expect(catalogFr[`${s.id}.${f.key}.label`], `${s.id}.${f.key}.label`).toBeTruthy()
        if (f.hint) expect(catalogFr[`${s.id}.${f.key}.hint`], `${s.id}.${f.key}.hint`).toBeTruthy()
      }
  })

  it('plurals follow each language’s rules (Intl.PluralRules)', () => {
    const tpl = '{n, plural, one {# item} other {# items}}'
    expect(format('en', tpl, { n: 0 })).toBe('0 items')
    expect(format('en', tpl, { n: 1 })).toBe('1 item')
    expect(format('fr', tpl, { n: 0 })).toBe('0 item')
    expect(format('fr', tpl, { n: 2 })).toBe('2 items')
    expect(format('fr', fr['dashboard.unchecked'], { n: 3 })).toBe('3 identifiants pas encore vérifiés')
  })

  it('a refused credential reads in French without the core’s English sentence', () => {
    const e = {
      code: 'VALIDATION_FAILED' as const,
      message:
        'GitHub rejected the credential (Bad credentials). Check it and try again. Nothing was saved; choose "Save anyway" to keep it unchecked.',
      key: 'validation_failed',
      params: { reason: 'bad_credentials', service: 'GitHub' },
    }
    const text = errorText(e, 'fr')
    expect(text).toContain('GitHub a refusé l’identifiant')
    expect(text).toContain('« Enregistrer quand même »')
    expect(text).not.toMatch(/rejected|Nothing|anyway/)
    expect(errorText(e, 'en')).toBe(e.message)
    // Without a key, French says what the code means; English keeps the core's precise sentence.
    expect(errorText({ code: 'BAD_PASSWORD', message: 'Wrong master password.' }, 'fr')).toBe(
      fr['errorCode.BAD_PASSWORD'],
    )
    expect(errorText({ code: 'BAD_PASSWORD', message: 'Wrong master password.' }, 'en')).toBe(
      'Wrong master password.',
    )
  })

  it('durations read as a person says them', () => {
    expect(formatDuration(60_025, 'en')).toBe('1 min 0 s')
    expect(formatDuration(850, 'en')).toBe('850 ms')
    expect(formatDuration(12_340, 'fr')).toBe('12,3 s')
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000, 'en')).toBe('2 h 5 min')
  })

  it('a denial or failure row names its reason', () => {
    const t = (k: string, v?: Record<string, string | number>) => format('fr', dict[k], v)
    const row = {
      id: 1,
      at: 0,
      actor: 'ui' as const,
      actorName: null,
      action: 'unlocked',
      target: null,
      durationMs: null,
    }
    expect(
      reasonText({ ...row, outcome: 'denied', detail: { reason: 'bad_password' } }, t as never, 'fr'),
    ).toBe('mot de passe maître incorrect')
    expect(reasonText({ ...row, outcome: 'error', detail: { code: 'NOT_FOUND' } }, t as never, 'fr')).toBe(
      fr['errorCode.NOT_FOUND'],
    )
    expect(reasonText({ ...row, outcome: 'ok', detail: { with: 'password' } }, t as never, 'fr')).toBeNull()
    // A bridge denial reads from its code, not the core's English sentence.
    const denied = {
      ...row,
      outcome: 'denied' as const,
      detail: {
        reason: 'github_api_write needs write permission and Keybridge allows it only read.',
        why: 'level',
        whyParams: { tool: 'github_api_write', required: 'write', granted: 'read' },
      },
    }
    expect(reasonText(denied, t as never, 'fr')).toBe(
      'github_api_write demande la permission « Écriture » et Keybridge ne lui accorde que « Lecture »',
    )
  })

  it('every integrity finding has French words: each rollback kind and each authenticated table', () => {
    const dict = fr as Record<string, string>
    for (const kind of RollbackKind.options) expect(dict[`integrity.rollback.${kind}`], kind).toBeTruthy()
    for (const t of MAC_TABLES) expect(dict[`integrity.what.${t.table}`], t.table).toBeTruthy()
  })
})
