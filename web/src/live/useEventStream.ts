// One Server-Sent Events stream with automatic resume.
//
// The browser's EventSource reconnects by itself after a dropped connection and sends
// Last-Event-ID, so the server replays what was missed (or a fresh `snapshot`). When the
// browser gives up instead (the server answered with an error status), the stream is
// opened again after a growing pause, resuming from the last id seen via `lastEventId`.

import { useEffect, useEffectEvent, useState } from "react";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "off";

export type StreamHandlers = Record<string, (data: unknown, id: string) => void>;

const MAX_PAUSE_MS = 30_000;

export function useEventStream(url: string | null, handlers: StreamHandlers): LiveStatus {
  // The status of the stream of `url`; a stream not yet opened is connecting.
  const [state, setState] = useState<{ url: string | null; status: LiveStatus }>({ url, status: "connecting" });
  // The newest handlers, without reopening the stream when they change.
  const deliver = useEffectEvent((name: string, data: unknown, id: string) => handlers[name]?.(data, id));
  const names = Object.keys(handlers).sort().join(",");

  useEffect(() => {
    if (!url) return;
    const setStatus = (status: LiveStatus) => setState({ url, status });
    let source: EventSource | null = null;
    let lastId = "";
    let pause = 1000;
    let timer: number | undefined;
    let stopped = false;

    const open = () => {
      const resumeUrl = lastId ? `${url}${url.includes("?") ? "&" : "?"}lastEventId=${encodeURIComponent(lastId)}` : url;
      const es = new EventSource(resumeUrl);
      source = es;
      es.onopen = () => {
        pause = 1000;
        setStatus("live");
      };
      es.onerror = () => {
        if (stopped) return;
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          setStatus("reconnecting");
          timer = window.setTimeout(open, pause);
          pause = Math.min(pause * 2, MAX_PAUSE_MS);
        } else {
          setStatus("reconnecting");
        }
      };
      for (const name of names.split(",").filter(Boolean)) {
        es.addEventListener(name, (event) => {
          const message = event as MessageEvent<string>;
          if (message.lastEventId) lastId = message.lastEventId;
          let data: unknown;
          try {
            data = JSON.parse(message.data);
          } catch {
            return;
          }
          deliver(name, data, message.lastEventId);
        });
      }
    };

    open();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      source?.close();
      setState((s) => (s.url === url ? { url: null, status: "connecting" } : s));
    };
  }, [url, names]);

  if (!url) return "off";
  return state.url === url ? state.status : "connecting";
}
