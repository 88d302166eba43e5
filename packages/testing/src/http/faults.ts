import { z } from 'zod';
import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';
import { PRODUCTS, type Product } from './products.ts';

/**
 * A fault injected into every request to one product:
 * - `{ status }` answers with that HTTP status and Twilio's error JSON,
 * - `{ delayMs }` holds the request that long, then serves it normally,
 * - `{ drop: true }` destroys the socket without answering.
 */
export type Fault =
  | { status: number; message?: string; code?: number }
  | { delayMs: number }
  | { drop: true };

/** Options of {@link FaultInjector.set}. */
export interface FaultOptions {
  /** Apply to this many requests, then clear. @defaultValue every request until cleared */
  times?: number;
}

const FaultSchema = z.union([
  z.object({
    status: z.number().int().min(400).max(599),
    message: z.string().optional(),
    code: z.number().int().optional(),
  }),
  z.object({ delayMs: z.number().int().min(0) }),
  z.object({ drop: z.literal(true) }),
]);

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

/** Per-product fault switches (`emu.faults`). */
export class FaultInjector {
  private readonly active = new Map<Product, ActiveFault>();
  /** How many requests each product's faults affected so far. */
  readonly hits: Record<Product, number> = { conversations: 0, memory: 0, knowledge: 0, studio: 0, api: 0 };

  /** Inject `fault` into `product` (replaces an earlier fault of that product). */
  set(product: Product, fault: Fault, options: FaultOptions = {}): void {
    if (!PRODUCTS.includes(product)) {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        `Unknown product "${product}" for faults.set; use one of ${PRODUCTS.join(', ')}`,
      );
    }
    const parsed = FaultSchema.safeParse(fault);
    if (!parsed.success) {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        'faults.set expects { status: 400-599 } | { delayMs: number } | { drop: true }',
        { cause: parsed.error },
      );
    }
    const times = options.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0)) {
      throw new EmulatorError(
        EmulatorErrorCode.INVALID_OPTIONS,
        'faults.set: times must be a positive number',
      );
    }
    this.active.set(product, { fault: parsed.data as Fault, remaining: times });
  }

  /** Remove the fault of one product, or of all products. */
  clear(product?: Product): void {
    if (product) this.active.delete(product);
    else this.active.clear();
  }

  /** The fault a product currently has, if any (without consuming it). */
  get(product: Product): Fault | undefined {
    return this.active.get(product)?.fault;
  }

  /** @internal Consume one application of a product's fault. */
  take(product: Product): Fault | undefined {
    const entry = this.active.get(product);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.active.delete(product);
    this.hits[product] += 1;
    return entry.fault;
  }
}
