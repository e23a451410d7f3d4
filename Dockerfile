# Duban's container image: `docker build -t duban .`, or `docker compose up` with compose.yaml.
# The build stage has the dev dependencies and compiles to dist/; the runtime stage has
# only the dependencies that run (no TypeScript, no tsx) and runs as the unprivileged
# `node` user. Redis is not in the image: set REDIS_URL to one (compose.yaml runs Redis 7).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY machines ./machines
COPY workers ./workers
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DUBAN_DATA_DIR=/data \
    REDIS_URL=redis://redis:6379
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY examples ./examples
COPY --from=build /app/dist ./dist
# The data folder (uploaded files) is the one place the process writes.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers within a second, 200 while Redis answers: on PORT for `start` and `api`,
# on DUBAN_WORKER_PORT (default 9464) for `worker`, so one check fits every role.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const get = (port) => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => { if (!r.ok) throw new Error(String(r.status)); }); get(process.env.PORT || 3000).catch(() => get(process.env.DUBAN_WORKER_PORT || 9464)).then(() => process.exit(0), () => process.exit(1))"]
# `start` runs the API and the workers in one process; `api` and `worker` run them apart.
CMD ["node", "bin/duban.js", "start"]
