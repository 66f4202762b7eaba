import { listServiceDescriptors } from '../../providers/catalog'

/** Names an upstream may not take: its tools' identities would collide with a built-in source's. */
export function reservedUpstreamName(name: string): boolean {
  return (
    ['homeassistant', 'ha', 'api', 'upstream', 'keybridge', 'test'].includes(name) ||
    listServiceDescriptors().some((d) => d.id === name)
  )
}
