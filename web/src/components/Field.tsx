import { cloneElement, isValidElement, type ComponentProps, type ReactElement, type ReactNode } from "react";

interface Props {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** One form control; it gets the id, and its hint and error as its description. */
  children: ReactElement<Record<string, unknown>>;
  className?: string;
}

/** A labelled form control with an optional hint and error message. */
export function Field({ id, label, hint, error, children, className = "" }: Props) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, { id, "aria-describedby": described, "aria-invalid": error ? true : undefined })
    : children;
  return (
    <div className={`field ${error ? "has-error" : ""} ${className}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A money input: the currency's symbol in front, numbers only. */
export function MoneyInput({ symbol, ...rest }: { symbol: string } & ComponentProps<"input">) {
  return (
    <div className="money-input">
      <span aria-hidden="true">{symbol}</span>
      <input inputMode="decimal" autoComplete="off" {...rest} />
    </div>
  );
}
