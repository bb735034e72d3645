import { Link } from "../router";

export function NotFoundPage({ what = "page" }: { what?: string }) {
  return (
    <div className="card empty-state">
      <h1>This {what} does not exist</h1>
      <p className="muted">It may have been removed, or the link is mistyped.</p>
      <Link className="button primary" to="/">
        Browse auctions
      </Link>
    </div>
  );
}
