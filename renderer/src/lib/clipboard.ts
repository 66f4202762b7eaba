/**
 * Copies non-vault text the user asked for (a config snippet they were just shown). Vault secrets
 * never take this path: they are copied by the main process, which also clears the clipboard.
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    // Permission refused (Electron denies permission requests): fall back to a user-gesture copy.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('copy refused')
}
