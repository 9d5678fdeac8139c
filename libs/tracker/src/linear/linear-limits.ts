/** How Nightshift authenticates to Linear: a personal API key, or an OAuth app's access token. */
export type LinearAuthKind = 'apiKey' | 'oauth';

/** An hourly budget of requests and complexity points. */
export interface LinearHourlyBudget {
  requestsPerHour: number;
  complexityPerHour: number;
}

/**
 * Linear's published hourly limits per authentication kind (linear.app/developers/rate-limiting,
 * docs/trackers.md): API keys 5,000 requests and 3,000,000 points per user; OAuth apps 5,000 requests
 * and 2,000,000 points per user and app. `tracker.budget` may set lower figures (a key shared with
 * other tools); the poll share is taken of whichever is configured.
 */
export const LINEAR_PUBLISHED_LIMITS: Record<LinearAuthKind, LinearHourlyBudget> = {
  apiKey: { requestsPerHour: 5_000, complexityPerHour: 3_000_000 },
  oauth: { requestsPerHour: 5_000, complexityPerHour: 2_000_000 },
};
