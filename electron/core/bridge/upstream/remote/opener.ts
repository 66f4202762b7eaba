import { spawn } from 'node:child_process'

/**
 * The command that opens a URL: `BROWSER` when set (as `gh`, `git web--browse` and xdg-open honour
 * it: a colon-separated list, `%s` marks where the URL goes), else the platform's opener.
 */
export function openerCommand(
  url: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[] } {
  const browser = env['BROWSER']
    ?.split(':')
    .map((s) => s.trim())
    .find(Boolean)
  if (browser) {
    const words = browser.split(/\s+/)
    const args = words.slice(1)
    const withUrl = args.some((a) => a.includes('%s'))
      ? args.map((a) => a.replace('%s', url))
      : [...args, url]
    return { command: words[0], args: withUrl }
  }
  if (platform === 'darwin') return { command: 'open', args: [url] }
  // rundll32 opens a URL without going through cmd.exe (which would parse & in the query).
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] }
  return { command: 'xdg-open', args: [url] }
}

/**
 * Opens the URL in the user's browser: spawned without a shell, the URL one argument, detached so
 * a browser that stays open does not hold the command. Resolves false when nothing could start.
 */
export function openInBrowser(url: string, env: Record<string, string | undefined>): Promise<boolean> {
  const { command, args } = openerCommand(url, env)
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, {
        stdio: 'ignore',
        detached: true,
        shell: false,
        env: { ...process.env, ...env },
      })
      child.once('error', () => resolve(false))
      child.once('spawn', () => {
        child.unref()
        resolve(true)
      })
    } catch {
      resolve(false)
    }
  })
}
