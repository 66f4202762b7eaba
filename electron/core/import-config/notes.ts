import type { ReasonParams } from '../../../shared/ipc/bridge'
import type { ImportNote, ImportNoteCode } from '../../../shared/ipc/importConfig'

/** A note of the import: the English sentence (CLI) and its code with parameters (the UI's language). */
export function note(code: ImportNoteCode, message: string, params: ReasonParams = {}): ImportNote {
  return { code, params, message }
}

/** Adds a note to a planned server: `notes` keeps the sentences (--json), `noteCodes` the codes. */
export function addNote(s: { notes: string[]; noteCodes: ImportNote[] }, n: ImportNote): void {
  s.notes.push(n.message)
  s.noteCodes.push(n)
}

export const messages = (notes: readonly ImportNote[]): string[] => notes.map((n) => n.message)
