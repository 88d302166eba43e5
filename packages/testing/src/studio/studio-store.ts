import { newId } from '../util/ids.ts';

/** A recorded Studio Flow execution (`emu.studio.executions`). */
export interface StudioExecution {
  sid: string;
  flowSid: string;
  /** `To`: the customer's address. */
  to: string;
  /** `From`: the sender (TAC sends `TWILIO_PHONE_NUMBER`). */
  from: string;
  /** `Parameters`, parsed from its JSON string (e.g. `{ HandoffData: {...} }`). */
  parameters: Record<string, unknown>;
  /** `rest` for `POST /v2/Flows/{FW}/Executions`; `voice` when a `<Connect action>` pointed at the Flow's webhook. */
  trigger: 'rest' | 'voice';
  /** For voice handoffs: the call that was handed over. */
  callSid?: string;
  createdAt: string;
}

/** Studio: Flow executions, recorded (`emu.studio`). */
export class StudioStore {
  readonly executions: StudioExecution[] = [];

  /** Record an execution and return it. */
  record(input: Omit<StudioExecution, 'sid' | 'createdAt'>): StudioExecution {
    const execution: StudioExecution = {
      sid: newId.execution(),
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...input,
    };
    this.executions.push(execution);
    return execution;
  }
}
