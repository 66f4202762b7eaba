// Linux has no login-item API in Electron: an XDG autostart entry does the job. Pure Node.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const AUTOSTART_FILE = 'keybridge.desktop'

/** Quotes one Exec argument per the Desktop Entry spec (then escapes it as a string value). */
function quoteExecArg(arg: string): string {
  const quoted = '"' + arg.replace(/[\\"`$]/g, (c) => '\\' + c) + '"'
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%')
}

export function autostartEntry(executable: string, args: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Keybridge',
    'Comment=Credential manager and local MCP bridge',
    `Exec=${[executable, ...args].map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

/** Adds or removes ~/.config/autostart/keybridge.desktop (configHome is $XDG_CONFIG_HOME). */
export function setLinuxAutostart(
  configHome: string,
  enabled: boolean,
  executable: string,
  args: readonly string[],
): void {
  const dir = join(configHome, 'autostart')
  const file = join(dir, AUTOSTART_FILE)
  if (!enabled) return rmSync(file, { force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, autostartEntry(executable, args), { mode: 0o644 })
}
