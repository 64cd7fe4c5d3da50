// How long before the deadline a request's cards are timed out, so that its answer leaves by the deadline: a fixed part, plus how late the deadline's timers recently fired.
/**
 * The fixed part: at most 50 ms, a tenth of shorter deadlines. Time for the answer's own work (error
 * cards, log lines, JSON) when the deadline's timer fires on time.
 */
export function responseMarginMs(deadlineMs: number): number {
  return Math.min(50, Math.floor(deadlineMs / 10));
}

export type ResponseMargin = {
  /** The margin of a request starting its cards now, in ms before its deadline; `done()` when it is answered. */
  forDeadline(deadlineMs: number): number;
  /** A request's deadline timer fired `lateMs` after its cutoff. */
  record(lateMs: number): void;
  /** A request that had its margin is answered. */
  done(): void;
};

/** The fixed margin alone: `resolveCards`' default when given none (the app gives it an adaptive one). */
export const FIXED_MARGIN: ResponseMargin = { forDeadline: responseMarginMs, record() {}, done() {} };

/**
 * What one answer's own work (error cards, log lines, JSON, the write) may cost a cold process, per
 * request already in flight: the answers of requests that arrived together are made one after the
 * other. `npm run deadline:load` measured about this much per answer in a cold first wave.
 */
export const ANSWER_MS = 3;

/** How fast what was learnt of late timers is forgotten: halved every 10 s. */
export const LATE_HALF_LIFE_MS = 10_000;

/**
 * The fixed part plus the larger of two estimates of the wait for the answers ahead, at most a
 * quarter of the deadline. Requests that arrived together reach their deadlines together: each
 * timer waits for the answers of those before it (and for a CPU on a loaded machine), so a fixed
 * margin fits one answer, not 32 at once. Known at once: the requests already in flight, `ANSWER_MS`
 * each (this is what a cold process's first wave has). Learnt: the latest lateness of the deadline's
 * timers, forgotten over time; the next requests stop their cards that much earlier.
 */
export function adaptiveMargin(now: () => number): ResponseMargin {
  let lateMs = 0;
  let inFlight = 0;
  let at = now();
  const remembered = () => {
    const time = now();
    lateMs *= 0.5 ** ((time - at) / LATE_HALF_LIFE_MS);
    at = time;
    return lateMs;
  };
  return {
    forDeadline(deadlineMs) {
      const ahead = inFlight++ * ANSWER_MS;
      return Math.min(Math.floor(deadlineMs / 4), responseMarginMs(deadlineMs) + Math.ceil(Math.max(ahead, remembered())));
    },
    record(late) {
      lateMs = Math.max(remembered(), late);
    },
    done() {
      inFlight = Math.max(0, inFlight - 1);
    },
  };
}
