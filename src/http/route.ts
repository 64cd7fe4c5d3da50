// One entry of the app's route table: the methods it answers (checked once, by the router) and its handler.
export type Route = {
  /** GET implies HEAD. Anything else gets 405 with `Allow`, before the handler runs. */
  methods: readonly string[];
  /** Answers, or throws an HttpError that the router turns into the JSON error reply. */
  handle(request: Request): Promise<Response> | Response;
};
