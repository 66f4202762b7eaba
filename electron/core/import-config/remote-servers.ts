import { RemoteUpstreamInput } from '../../../shared/ipc/bridgeRemote'
import { AppError } from '../../../shared/errors'
import type { Proposal } from './plan'

/**
 * #18: the remote upstreams an import creates from the config's URL servers. A header whose secret
 * is imported as a credential refers to it (`{{credential:…}}`); any other header value is kept as
 * it is, sealed with the upstream's headers.
 */
export function remoteUpstreamInputs(p: Proposal): { from: string; input: RemoteUpstreamInput }[] {
  return p.servers
    .filter((s) => s.include && s.action === 'remote')
    .map((server) => {
      const src = p.source.servers.find((x) => x.name === server.id)!
      const headers: Record<string, string> = {}
      for (const [k, v] of src.headers) {
        const c = p.credentials.find(
          (x) =>
            x.include &&
            x.occurrences.some(
              (o) => o.source.server === server.id && o.source.location === 'header' && o.source.key === k,
            ),
        )
        const template = c?.occurrences.find(
          (o) => o.source.server === server.id && o.source.key === k,
        )?.template
        headers[k] =
          c && template
            ? template.replace('{{secret}}', `{{credential:${c.service}/${c.name}.${c.field}}}`)
            : v
      }
      const parsed = RemoteUpstreamInput.safeParse({
        name: server.upstreamName,
        url: src.url,
        transport: src.transport === 'sse' ? 'sse' : 'streamable-http',
        headers,
        // Like imported stdio servers: nothing connects until the user enables it.
        enabled: false,
      })
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new AppError(
          'INVALID_INPUT',
          `The server "${server.id}" cannot become a remote upstream: ${issue.path.join('.') || 'its definition'}: ${issue.message}. Leave it out or fix it in the file.`,
        )
      }
      return { from: server.id, input: parsed.data }
    })
}
