# cardql's image: built with the same commands CI runs (npm ci, npm run build), run as plain node by a non-root user.
# Not built on the machines this project is developed on (they have no Docker engine): see docs/deploy.md.

# --- build: dependencies with the dev ones (TypeScript), the compile, then the dev dependencies removed.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 is compiled (or fetched prebuilt) here, for the same Debian and Node as the runtime stage.
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# --- runtime: the built app and its production dependencies, nothing else.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
# Cards are found by their sources (queries/, src/cards/) and run from dist/; schemas/ holds pinned SDL.
COPY --from=build --chown=node:node /app /app
# The demo SQLite database (CARDQL_DATABASE, default data/cardql.sqlite) is the only thing cardql writes.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
# Liveness with node itself (the image has no curl): /healthz answers 200 while the process can answer at all.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1's child-free main process, so that SIGTERM reaches cardql (graceful shutdown); npm start's command without its build.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=75", "--enable-source-maps", "dist/src/index.js"]
