// Every factory iora knows, in one list: the config loader and the service look components up here.

import type { Factory } from './pipeline/component.js';
import { agentReceiverFactory } from './receivers/agent/factory.js';

export const receivers: readonly Factory[] = [agentReceiverFactory];

export const processors: readonly Factory[] = [];

export const exporters: readonly Factory[] = [];
