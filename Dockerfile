# The kaspool image: the pool (`bun run index.ts`), the payer (`bun run index.ts payer`) and the devnet
# (`bun run devnet`) all run from it. Bun's version is the one .ci/run installs.
FROM oven/bun:1.4.5-slim
WORKDIR /app
# Dependencies first, exactly as locked, so a code change does not reinstall them.
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production
COPY index.ts bunfig.toml tsconfig.json init.sql ./
COPY src ./src
COPY wasm ./wasm
COPY config ./config
# The code stays root-owned and read-only to the process; only data/ (embedded database, share spool) is its own.
RUN mkdir -p /app/data && chown bun:bun /app/data
USER bun
EXPOSE 5555 5556 8080
# /ready answers 200 once the database answers, the node is synced and templates are fresh (api.port 8080).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:8080/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "run", "index.ts"]
