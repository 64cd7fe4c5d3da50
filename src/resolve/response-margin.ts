// How long before the deadline a request's cards are timed out, so that its answer leaves by the deadline: a fixed part, plus how late the deadline's timers recently fired.
/**
 * The fixed part: at most 50 ms, a tenth of shorter deadlines. Time for the answer's own work (error
 * cards, log lines, JSON) when the deadline's timer fires on time.
 */
export function responseMarginMs(deadlineMs: number): number {
  return Math.min(50, Math.floor(deadlineMs / 10));
}

export type ResponseMargin = {
  /** The margin of a request arriving now, in ms before its deadline. */
  forDeadline(deadlineMs: number): number;
  /** A request's deadline timer fired `lateMs` after its cutoff. */
  record(lateMs: number): void;
};

/** The fixed margin alone: `resolveCards`' default when given none (the app gives it an adaptive one). */
export const FIXED_MARGIN: ResponseMargin = { forDeadline: responseMarginMs, record() {} };

/** How fast what was learnt of late timers is forgotten: halved every 10 s. */
export const LATE_HALF_LIFE_MS = 10_000;

/**
 * The fixed part plus the latest lateness of the deadline's timers, forgotten over time, at most a
 * quarter of the deadline. Requests that arrived together reach their deadlines together: each
 * timer waits for the answers of those before it (and for a CPU on a loaded machine), so a fixed
 * margin fits one answer, not 32 at once. The next requests then stop their cards that much earlier.
 */
export function adaptiveMargin(now: () => number): ResponseMargin {
  let lateMs = 0;
  let at = now();
  const remembered = () => {
    const time = now();
    lateMs *= 0.5 ** ((time - at) / LATE_HALF_LIFE_MS);
    at = time;
    return lateMs;
  };
  return {
    forDeadline: (deadlineMs) => Math.min(Math.floor(deadlineMs / 4), responseMarginMs(deadlineMs) + Math.ceil(remembered())),
    record(late) {
      lateMs = Math.max(remembered(), late);
    },
  };
}
