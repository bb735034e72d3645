// The one cache of server state for the whole app. Answers that cannot change by asking
// again (4xx: not found, not allowed, bad input) are not retried; a network failure, a
// 5xx or a 429 is, a few times with a growing pause.

import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

const MAX_RETRIES = 3;

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => failures < MAX_RETRIES && isRetryable(error),
        retryDelay: (attempt, error) =>
          error instanceof ApiError && error.retryAfter ? error.retryAfter * 1000 : Math.min(1000 * 2 ** attempt, 10_000),
      },
    },
  });
}
