// A picture for a listing without photos: a soft gradient by category with the title's
// initial, so cards are told apart at a glance.

const PALETTES: Record<string, [string, string]> = {
  electronics: ["#6366f1", "#22d3ee"],
  fashion: ["#ec4899", "#f97316"],
  home: ["#10b981", "#84cc16"],
  collectibles: ["#f59e0b", "#ef4444"],
  art: ["#8b5cf6", "#ec4899"],
  sports: ["#0ea5e9", "#10b981"],
  vehicles: ["#475569", "#0ea5e9"],
  books: ["#b45309", "#f59e0b"],
  other: ["#64748b", "#a855f7"],
};

export function AuctionArt({ title, category, className = "" }: { title: string; category: string; className?: string }) {
  const [from, to] = PALETTES[category] ?? PALETTES.other!;
  const initial = Array.from(title.trim())[0]?.toUpperCase() ?? "?";
  return (
    <div className={`auction-art ${className}`} style={{ background: `linear-gradient(135deg, ${from}, ${to})` }} aria-hidden="true">
      <span>{initial}</span>
    </div>
  );
}
