import type { Language } from '../../i18n'
import { toolText } from '../../i18n/tool-text'
import type { Tool } from './store'

/**
 * A tool for people, from its stable identity (what usage and audit rows name): its title in the UI
 * language when it has one, else the name clients see, else the identity itself (a tool since removed).
 */
export function toolLabel(id: string, tools: readonly Tool[] | null, lang: Language): string {
  const tool = tools?.find((t) => t.id === id || t.name === id)
  if (!tool) return id
  return tool.title ? toolText(tool.title, lang) : tool.name
}
