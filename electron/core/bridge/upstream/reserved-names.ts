import { listServiceDescriptors } from '../../providers/catalog'

/**
 * Names of built-in sources. An upstream may be called so (`github` is the usual key of GitHub's MCP
 * server), but its identities are then namespaced as `upstream/<name>/<tool>` so they cannot collide
 * with the built-in tools' (`github/api_read`), and its summary says so.
 */
export function reservedUpstreamName(name: string): boolean {
  return (
    ['homeassistant', 'ha', 'api', 'upstream', 'keybridge', 'test'].includes(name) ||
    listServiceDescriptors().some((d) => d.id === name)
  )
}
