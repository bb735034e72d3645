// Short notices in a corner of the screen, announced to screen readers. Each closes by
// itself after a while, or with its close button (Escape closes the newest).

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

export type ToastKind = "success" | "info" | "warning" | "error" | "won";

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  body?: string;
  /** Also a stable hook for tests and styling: the event that caused the toast. */
  topic?: string;
}

interface ToastApi {
  show(toast: Omit<Toast, "id">): void;
}

const ToastContext = createContext<ToastApi>({ show: () => {} });

const LIFETIME_MS: Record<ToastKind, number> = {
  success: 6000,
  info: 6000,
  warning: 9000,
  error: 9000,
  won: 15000,
};
const MAX_SHOWN = 5;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, number>());

  const dismiss = useCallback((id: number) => {
    setToasts((all) => all.filter((t) => t.id !== id));
    window.clearTimeout(timers.current.get(id));
    timers.current.delete(id);
  }, []);

  const show = useCallback(
    (toast: Omit<Toast, "id">) => {
      const id = next.current++;
      setToasts((all) => [...all, { ...toast, id }].slice(-MAX_SHOWN));
      timers.current.set(
        id,
        window.setTimeout(() => dismiss(id), LIFETIME_MS[toast.kind]),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && toasts.length > 0) dismiss(toasts[toasts.length - 1]!.id);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toasts, dismiss]);

  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <section className="toasts" aria-live="polite" aria-label="Notifications">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role="status" data-topic={t.topic}>
            <span className="toast-icon" aria-hidden="true">
              {ICONS[t.kind]}
            </span>
            <div className="toast-text">
              <strong>{t.title}</strong>
              {t.body && <p>{t.body}</p>}
            </div>
            <button type="button" className="toast-close" onClick={() => dismiss(t.id)} aria-label="Dismiss notification">
              ×
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

const ICONS: Record<ToastKind, string> = {
  success: "✓",
  info: "i",
  warning: "!",
  error: "!",
  won: "★",
};

export function useToasts(): ToastApi {
  return useContext(ToastContext);
}
