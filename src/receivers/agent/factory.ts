// The `agent` receiver: the in-process source of embedded mode. The preload agent's metric reader is the
// host's `inProcess` source; this receiver subscribes to it on start and unsubscribes on shutdown.

import type { ComponentSettings, Consumer, Factory, Receiver } from '../../pipeline/component.js';

/** The agent receiver has no settings: everything about collection is configured on the agent itself. */
export type AgentReceiverConfig = Record<string, never>;

export class AgentReceiver implements Receiver {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly settings: ComponentSettings,
    private readonly next: Consumer,
  ) {}

  async start(): Promise<void> {
    const source = this.settings.host.inProcess;
    if (!source) {
      throw new Error(
        'the agent receiver needs the in-process agent (embedded mode: node --import iora/register); ' +
          'a standalone collector receives with the otlp receiver instead',
      );
    }
    this.unsubscribe ??= source.subscribe(this.next);
  }

  async shutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

export const agentReceiverFactory: Factory<AgentReceiverConfig, AgentReceiver> = {
  kind: 'receiver',
  type: 'agent',
  createDefaultConfig: () => ({}),
  validate: () => [],
  create: (settings, _config, next) => new AgentReceiver(settings, next),
};
