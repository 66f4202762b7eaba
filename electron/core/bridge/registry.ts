import type { BridgeTool, ToolSource } from './tool-source'

/** MCP tool names: 1-128 characters of A-Z a-z 0-9 _ - . (2025-11-25). */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/

/**
 * Every tool the bridge serves, from all sources. The merged list is cached and rebuilt only after a
 * source reports a change, so tools/list and tools/call cost a map lookup.
 */
export class ToolRegistry {
  private sources = new Map<string, { source: ToolSource; unsubscribe?: () => void }>()
  private cache: Promise<Map<string, BridgeTool>> | null = null
  /** The cache once built: lets a call find its tool without waiting on a promise. */
  private built: Map<string, BridgeTool> | null = null
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

  async tools(): Promise<Map<string, BridgeTool>> {
    if (!this.cache) {
      const building = this.build()
      this.cache = building
      building.then(
        (map) => {
          if (this.cache === building) this.built = map
        },
        // A failed build must not stick.
        () => {
          if (this.cache === building) this.cache = null
        },
      )
    }
    return this.cache
  }

  /** The tool named so. Synchronous when the list is built (every call but the first after a change). */
  get(name: string): BridgeTool | undefined | Promise<BridgeTool | undefined> {
    if (this.built) return this.built.get(name)
    return this.tools().then((m) => m.get(name))
  }

  private async build(): Promise<Map<string, BridgeTool>> {
    const lists = await Promise.all(
      [...this.sources.values()].map(({ source }) =>
        // One broken source (HA unreachable, vault locked) must not hide the others.
        source.listTools().catch(() => [] as BridgeTool[]),
      ),
    )
    const map = new Map<string, BridgeTool>()
    for (const list of lists)
      for (const t of list) if (TOOL_NAME.test(t.name) && !map.has(t.name)) map.set(t.name, t)
    return map
  }
}
