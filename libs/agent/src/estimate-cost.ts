import type { TokenUsage } from '@nightshift/domain';

/** USD per million tokens (config's `agent.prices[model]`). */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** A run's cost from its tokens and the model's price: an estimate, for CLIs that print no cost. */
export function estimateCost(usage: TokenUsage, price: ModelPrice): number {
  const usd =
    usage.input * price.input +
    usage.output * price.output +
    usage.cacheRead * (price.cacheRead ?? 0) +
    usage.cacheWrite * (price.cacheWrite ?? 0);
  return Math.round((usd / 1_000_000) * 1e6) / 1e6;
}
