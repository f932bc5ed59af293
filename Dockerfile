# pbx-graph container image. Untested here (no docker on the build machine): docs/deploy.md.
# Build: docker build -t pbx-graph .
# Run:   docker run -p 4000:4000 -v $PWD/pbx-graph.yaml:/config/pbx-graph.yaml:ro \
#          -e PBX_GRAPH_CONFIG=/config/pbx-graph.yaml -e REDIS_URL=redis://redis:6379 pbx-graph
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schema ./schema
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
USER node
EXPOSE 4000
# /health answers without touching a vendor or Redis: a Redis outage must not restart every replica.
HEALTHCHECK --interval=10s --timeout=2s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The flags of `npm run serve`.
CMD ["node", "--max-semi-space-size=64", "--no-memory-reducer", "dist/main.js"]
