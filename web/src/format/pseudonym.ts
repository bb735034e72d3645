// The name a bidder goes by in an auction's public bid history: "Bidder " and the first
// two bytes of SHA-256("<auctionId>:<userId>") in hex, the same for the bid history the
// bidding service serves. Null where the browser offers no SubtleCrypto (insecure origin).

export async function bidderPseudonym(auctionId: string, userId: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${auctionId}:${userId}`));
  const bytes = new Uint8Array(digest).slice(0, 2);
  return `Bidder ${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
