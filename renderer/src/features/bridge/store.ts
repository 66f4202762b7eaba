import { create } from 'zustand'
import { call, onEvent } from '../../api'
import type { ChannelInput, ChannelOutput } from '../../../../shared/ipc'

export type BridgeStatus = ChannelOutput<'bridge.status'>
export type BridgeConfig = ChannelOutput<'bridge.config.get'>
export type Token = ChannelOutput<'bridge.tokens.list'>[number]
export type Tool = ChannelOutput<'bridge.tools.list'>[number]
export type Upstream = ChannelOutput<'bridge.upstream.list'>[number]
export type Approval = ChannelOutput<'bridge.approvals.pending'>[number]
export type Decision = ChannelInput<'bridge.approve'>['decision']

interface BridgeState {
  status: BridgeStatus | null
  config: BridgeConfig | null
  tokens: Token[] | null
  tools: Tool[] | null
  upstreams: Upstream[] | null
  /** "Ask me" calls waiting for an answer, oldest first. */
  approvals: Approval[]
  loadError: unknown
  load(): Promise<void>
  loadTools(): Promise<void>
  loadTokens(): Promise<void>
  loadUpstreams(): Promise<void>
  setRunning(on: boolean): Promise<void>
  saveConfig(patch: ChannelInput<'bridge.config.set'>): Promise<void>
  setTool(input: ChannelInput<'bridge.tools.set'>): Promise<void>
  setBulk(input: ChannelInput<'bridge.tools.setBulk'>): Promise<void>
  loadApprovals(): Promise<void>
  decide(id: string, decision: Decision): Promise<void>
}

/** The bridge: its state and config, client tokens, tool permissions, upstream servers, approvals. */
export const useBridge = create<BridgeState>((set, get) => ({
  status: null,
  config: null,
  tokens: null,
  tools: null,
  upstreams: null,
  approvals: [],
  loadError: null,
  async load() {
    try {
      const [status, config] = await Promise.all([call('bridge.status'), call('bridge.config.get')])
      set({ status, config, loadError: null })
      await Promise.all([get().loadTokens(), get().loadTools(), get().loadUpstreams()])
    } catch (e) {
      set({ loadError: e })
    }
  },
  loadTools: async () => set({ tools: await call('bridge.tools.list') }),
  loadTokens: async () => set({ tokens: await call('bridge.tokens.list') }),
  loadUpstreams: async () => set({ upstreams: await call('bridge.upstream.list') }),
  async setRunning(on) {
    set({ status: await call(on ? 'bridge.start' : 'bridge.stop') })
    if (on) await get().loadTools()
  },
  async saveConfig(patch) {
    set({ config: await call('bridge.config.set', patch) })
    set({ status: await call('bridge.status') })
  },
  async setTool(input) {
    const tool = await call('bridge.tools.set', input)
    set({ tools: (get().tools ?? []).map((t) => (t.id === tool.id ? tool : t)) })
  },
  async setBulk(input) {
    await call('bridge.tools.setBulk', input)
    await get().loadTools()
  },
  async loadApprovals() {
    set({ approvals: await call('bridge.approvals.pending') })
  },
  async decide(id, decision) {
    await call('bridge.approve', { id, decision })
    set({ approvals: get().approvals.filter((a) => a.id !== id) })
    if (decision === 'always_allow') await get().loadTools()
  },
}))

/** Approvals and status arrive as events, whichever screen is open. */
export function watchBridge(): () => void {
  const offs = [
    onEvent('bridge.statusChanged', (status) => useBridge.setState({ status })),
    onEvent('bridge.approvalRequested', (a) =>
      useBridge.setState((s) => ({ approvals: [...s.approvals.filter((x) => x.id !== a.id), a] })),
    ),
    onEvent('bridge.approvalResolved', ({ id }) =>
      useBridge.setState((s) => ({ approvals: s.approvals.filter((x) => x.id !== id) })),
    ),
    onEvent('bridge.toolsChanged', () => {
      const s = useBridge.getState()
      if (s.tools) void s.loadTools().catch(() => {})
      if (s.upstreams) void s.loadUpstreams().catch(() => {})
    }),
    // #18: a remote server needs sign-in: its row shows it (and "Sign in") at once.
    onEvent('bridge.upstreamSignInNeeded', () => {
      const s = useBridge.getState()
      if (s.upstreams) void s.loadUpstreams().catch(() => {})
    }),
  ]
  return () => offs.forEach((off) => off())
}
