import { exposedName, isExposedName, resolveNames, type NameCollision } from './names'
import type { BridgeTool, ToolSource } from './tool-source'

interface Built {
  byName: Map<string, BridgeTool>
  byId: Map<string, BridgeTool>
  collisions: NameCollision[]
}

/**
 * Every tool the bridge serves, from all sources, under names every client accepts (names.ts). The
 * merged list is cached and rebuilt only after a source reports a change, so tools/list and tools/call
 * cost a map lookup. No tool is dropped: a name that two identities want is resolved for both and the
 * collision is kept for `collisions()` (shown by `keybridge tool list` and the desktop).
 */
export class ToolRegistry {
  private sources = new Map<string, { source: ToolSource; unsubscribe?: () => void }>()
  private cache: Promise<Built> | null = null
  /** The cache once built: lets a call find its tool without waiting on a promise. */
  private built: Built | null = null
  private listeners = new Set<() => void>()

  add(source: ToolSource): void {
    this.remove(source.id)
    const unsubscribe = source.onChange?.(() => this.invalidate())
    this.sources.set(source.id, { source, unsubscribe })
    this.invalidate()
  }

  remove(id: string): void {
    const s = this.sources.get(id)
    if (!s) return
    s.unsubscribe?.()
    this.sources.delete(id)
    this.invalidate()
  }

  has(id: string): boolean {
    return this.sources.has(id)
  }

  invalidate(): void {
    this.cache = null
    this.built = null
    for (const l of this.listeners) l()
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Exposed name → tool. */
  async tools(): Promise<Map<string, BridgeTool>> {
    return (await this.load()).byName
  }

  /** Identity → tool. */
  async byId(): Promise<Map<string, BridgeTool>> {
    return (await this.load()).byId
  }

  async collisions(): Promise<NameCollision[]> {
    return (await this.load()).collisions
  }

  /** The tool named so. Synchronous when the list is built (every call but the first after a change). */
  get(name: string): BridgeTool | undefined | Promise<BridgeTool | undefined> {
    if (this.built) return this.built.byName.get(name)
    return this.tools().then((m) => m.get(name))
  }

  private load(): Promise<Built> {
    if (!this.cache) {
      const building = this.build()
      this.cache = building
      building.then(
        (b) => {
          if (this.cache === building) this.built = b
        },
        // A failed build must not stick.
        () => {
          if (this.cache === building) this.cache = null
        },
      )
    }
    return this.cache
  }

  private async build(): Promise<Built> {
    const lists = await Promise.all(
      [...this.sources.values()].map(({ source }) =>
        // One broken source (HA unreachable, vault locked) must not hide the others.
        source.listTools().catch(() => [] as BridgeTool[]),
      ),
    )
    const byId = new Map<string, BridgeTool>()
    for (const list of lists) for (const t of list) if (!byId.has(t.id)) byId.set(t.id, t)
    const { names, collisions } = resolveNames(
      [...byId.values()].map((t) => ({ identity: t.id, name: exposedName(t.nameParts, t.id) })),
    )
    const byName = new Map<string, BridgeTool>()
    for (const t of [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const name = names.get(t.id)!
      // exposedName cannot produce anything else; the check keeps a future bug from reaching clients.
      if (!isExposedName(name)) continue
      const named = { ...t, name }
      byName.set(name, named)
      byId.set(t.id, named)
    }
    return { byName, byId, collisions }
  }
}
