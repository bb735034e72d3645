// A bidder's (or seller's) pseudonym in one auction, worked out once and kept.

import { useQuery } from "@tanstack/react-query";
import { bidderPseudonym } from "../format/pseudonym";

export function usePseudonym(auctionId: string, userId: string | null | undefined): string | null {
  const { data } = useQuery({
    queryKey: ["pseudonym", auctionId, userId ?? ""],
    queryFn: () => bidderPseudonym(auctionId, userId!),
    enabled: !!userId,
    staleTime: Infinity,
  });
  return userId ? (data ?? null) : null;
}
