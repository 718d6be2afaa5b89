# Guestlist as a container: Node.js 24 (its type stripping runs the TypeScript as is, so
# there is no build step), production dependencies only, a non-root user, the data folder
# as a volume, and a health check. `.ci/production-check` runs the same steps without a
# container daemon on every CI run; docs/deploy-azure-container-apps.md deploys it.
#
#   docker build -t guestlist .
#   docker run -p 3000:3000 -v guestlist-data:/data guestlist                      # sandbox mode
#   docker run --rm -v guestlist-data:/data guestlist backup /data/guestlist-backup.db   # any CLI command
#
# The base is pinned by major version; for reproducible builds pin its digest too
# (`docker buildx imagetools inspect node:24-slim` prints it):
#   FROM node:24-slim@sha256:<digest>
FROM node:24-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    GUESTLIST_DATA_DIR=/data

WORKDIR /app

# Dependencies first, so a code change reuses this layer. No install scripts: none of the
# production dependencies needs one (native modules come prebuilt, @node-rs/argon2).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src

# The image's files stay root's (read-only to the app); only /data is the app's to write.
# `node` (uid 1000) is the unprivileged user the official image provides.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000

# No curl in the slim image: Node's own fetch. /healthz answers while the process lives;
# orchestrators that tell liveness from readiness should probe /readyz for the latter.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM itself, and `serve` drains on it (finishes
# requests under way, stops claiming jobs, closes the database) before exiting 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/guestlist.js"]
CMD ["serve"]
