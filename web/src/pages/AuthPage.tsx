import { useEffect, useRef, useState, type FormEvent } from "react";
import { describeError } from "../api/client";
import { Field } from "../components/Field";
import { useToasts } from "../components/Toasts";
import { Link, navigate, useLocation } from "../router";
import { useSession } from "../session";

/** Where to go after signing in: a path inside the app, never another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const { login, signup } = useSession();
  const toasts = useToasts();
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  // An error belongs to the form it came from (signing in or up).
  const [failure, setFailure] = useState<{ mode: typeof mode; text: string } | null>(null);
  const error = failure?.mode === mode ? failure.text : null;
  const setError = (text: string | null) => setFailure(text === null ? null : { mode, text });
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const signingUp = mode === "signup";

  useEffect(() => {
    document.title = `${signingUp ? "Create an account" : "Sign in"} — Gavel`;
  }, [signingUp]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (signingUp && password.length < 8) {
      setError("The password needs at least 8 characters.");
      return;
    }
    setBusy(true);
    try {
      const user = signingUp ? await signup(email.trim(), password, displayName.trim()) : await login(email.trim(), password);
      toasts.show({ kind: "success", title: signingUp ? `Welcome, ${user.displayName}!` : `Signed in as ${user.displayName}` });
      navigate(next, { replace: true });
    } catch (err) {
      setError(describeError(err));
      window.setTimeout(() => errorRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  const other = signingUp ? "/login" : "/signup";
  return (
    <div className="auth-page">
      <form className="card form narrow" onSubmit={(e) => void onSubmit(e)} aria-labelledby="auth-title">
        <h1 id="auth-title">{signingUp ? "Create your account" : "Sign in"}</h1>
        <p className="muted">{signingUp ? "Bid, sell and watch auctions in minutes." : "Welcome back. Bids wait for no one."}</p>
        {error && (
          <p className="form-error" role="alert" tabIndex={-1} ref={errorRef}>
            {error}
          </p>
        )}
        {signingUp && (
          <Field id="auth-name" label="Display name">
            <input name="displayName" autoComplete="nickname" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </Field>
        )}
        <Field id="auth-email" label="Email">
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field id="auth-password" label="Password" hint={signingUp ? "At least 8 characters." : undefined}>
          <input
            name="password"
            type="password"
            autoComplete={signingUp ? "new-password" : "current-password"}
            required
            minLength={signingUp ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="button primary large block" disabled={busy}>
          {busy ? "One moment…" : signingUp ? "Create account" : "Sign in"}
        </button>
        <p className="muted center">
          {signingUp ? "Already have an account? " : "New here? "}
          <Link to={next === "/" ? other : `${other}?next=${encodeURIComponent(next)}`}>{signingUp ? "Sign in" : "Create an account"}</Link>
        </p>
      </form>
    </div>
  );
}
