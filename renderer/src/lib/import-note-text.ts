import { ImportNoteCode, ImportShape, type ImportNote } from '../../../shared/ipc/importConfig'
import type { Language, MessageKey, T, Vars } from '../i18n/translate'

/** Keys besides `importNote.<code>` that a parameter selects (the i18n test checks each has French). */
export const IMPORT_NOTE_VARIANTS = [
  'importNote.lenient_json_trailing_commas',
  'importNote.remote_server_headers',
] as const

function keyOf(n: Pick<ImportNote, 'code' | 'params'>): MessageKey {
  if (n.code === 'lenient_json' && n.params['what'] === 'trailing_commas')
    return 'importNote.lenient_json_trailing_commas'
  if (n.code === 'remote_server' && n.params['headers'] === 1) return 'importNote.remote_server_headers'
  return `importNote.${n.code}`
}

/**
 * A note of the import (warning, server note, secret reason, name clash, rewrite refusal) in the UI
 * language, from its code and parameters. English, and a code this build does not know, show the core's
 * sentence.
 */
export function importNoteText(n: ImportNote, t: T, lang: Language): string {
  if (lang === 'en' || !ImportNoteCode.safeParse(n.code).success) return n.message
  const vars: Vars = { ...n.params }
  const shape = ImportShape.safeParse(n.params['shape'])
  if (shape.success) vars['shapeText'] = t(`importShape.${shape.data}`)
  if (n.code === 'left_in_app') {
    const blocked = ImportNoteCode.safeParse(n.params['blocked'])
    if (!blocked.success) return n.message
    vars['blockedText'] = t(`importNote.${blocked.data}`, vars)
  }
  return t(keyOf(n), vars)
}

/** The notes beside their sentences: the codes when the core sent them, else the sentences as they are. */
export function importNotes(
  sentences: string[],
  codes: ImportNote[] | undefined,
  t: T,
  lang: Language,
): string[] {
  if (!codes || codes.length !== sentences.length) return sentences
  return codes.map((n) => importNoteText(n, t, lang))
}
